"""More than one machine: two gunicorn servers (gunicorn.conf.py, config.wsgi, debug off), as two
app servers behind a proxy would run, sharing this test's PostgreSQL database and one Redis
database. What one server does, the other sees at once: cached pages and their invalidation by a
staff edit, sessions, the forms' rate limit and the admin's login throttling. Nothing is kept in
a process's memory.

PostgreSQL only (SQLite is one file on one machine); needs Redis at 127.0.0.1:6379, whose
database 9 it empties before and after. About 15 s. Excluded with `-m "not servers"`."""

import re

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from config.tests.servers_support import (
    free_port,
    production_environment,
    start_gunicorn,
    stop,
    wait_until_up,
)
from consultations.models import Hearing
from consultations.tests.factories import HearingFactory
from consultations.tests.forms_support import open_hearing

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/9"
LOGIN_FAILURE_LIMIT = 3
# What the proxy in front passes on to both servers: the public host.
PUBLIC_HOST = {"Host": "localhost"}


def server_environment(port):
    return production_environment(
        "two-servers",
        PORT=str(port),
        REDIS_URL=REDIS_URL,
        DJANGO_PAGE_CACHE_SECONDS="300",
        DJANGO_LOGIN_FAILURE_LIMIT=str(LOGIN_FAILURE_LIMIT),
        GUNICORN_WORKERS="2",
        GUNICORN_LOG_LEVEL="warning",
    )


@pytest.fixture(scope="module")
def running_servers(django_db_setup, django_db_blocker):
    """Two servers for the whole module, on the test database pytest-django created."""
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database")
    shared = redis.Redis.from_url(REDIS_URL)
    try:
        shared.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    ports = [free_port(), free_port()]
    processes = []
    try:
        processes.extend(start_gunicorn(server_environment(port)) for port in ports)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls, shared
    finally:
        stop(processes)
        shared.flushdb()
        shared.close()


@pytest.fixture
def servers(running_servers):
    """The two servers, with an empty shared cache (pages, rate limits) for each test; the
    database is emptied after each test by pytest-django."""
    urls, shared = running_servers
    shared.flushdb()
    return urls


@pytest.fixture
def editor(editor):
    """The suite's editor, with a password hash the servers' settings accept (the suite hashes
    with MD5 for speed, which production settings do not list)."""
    editor.password = PBKDF2PasswordHasher().encode("pw-editor-1", PBKDF2PasswordHasher().salt())
    editor.save(update_fields=["password"])
    return editor


def csrf_token(session, url):
    page = session.get(url, timeout=10)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def admin_login(session, base, password):
    token = csrf_token(session, f"{base}/admin/login/")
    return session.post(
        f"{base}/admin/login/?next=/admin/",
        data={
            "username": "editor",
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
        allow_redirects=False,
        timeout=10,
    )


def test_a_session_opened_on_one_server_works_on_the_other(servers, editor):
    a, b = servers
    browser = requests.Session()  # one cookie jar, as a browser behind the proxy has
    browser.headers.update(PUBLIC_HOST)
    response = admin_login(browser, a, "pw-editor-1")
    assert response.status_code == 302, (response.status_code, response.text[:3000])
    assert response.headers["Location"] == "/admin/"
    on_b = browser.get(f"{b}/admin/", allow_redirects=False, timeout=10)
    assert on_b.status_code == 200
    assert "Log out" in on_b.text
    # Signing out on B ends the session on A too.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', on_b.text).group(1)
    assert (
        browser.post(
            f"{b}/admin/logout/", data={"csrfmiddlewaretoken": token}, timeout=10
        ).status_code
        == 200
    )
    assert browser.get(f"{a}/admin/", allow_redirects=False, timeout=10).status_code == 302


def test_a_staff_edit_through_one_server_shows_at_once_through_the_other(servers, editor):
    a, b = servers
    HearingFactory(slug="two-servers", title="Hearing on decent work", published=True)
    page = "/hearings/two-servers/"
    visitor = requests.Session()
    visitor.headers.update(PUBLIC_HOST)
    first = visitor.get(f"{a}{page}", timeout=10)
    assert (first.status_code, first.headers["X-Page-Cache"]) == (200, "miss")
    # B serves the page A cached: one cache for both.
    cached = visitor.get(f"{b}{page}", timeout=10)
    assert (cached.headers["X-Page-Cache"], cached.text) == ("hit", first.text)
    # A write that bypasses the application (no signal) is not seen: the page really is cached.
    Hearing.objects.filter(slug="two-servers").update(title="Changed behind the cache")
    assert "Changed behind the cache" not in visitor.get(f"{b}{page}", timeout=10).text

    token = requests.post(
        f"{a}/api/v1/auth/token/",
        json={"username": "editor", "password": "pw-editor-1"},
        headers=PUBLIC_HOST,
        timeout=10,
    ).json()["token"]
    edit = requests.patch(
        f"{a}/api/v1/hearings/two-servers/",
        json={"title": "Hearing on decent work for domestic workers"},
        headers={"Authorization": f"Token {token}", **PUBLIC_HOST},
        timeout=10,
    )
    assert edit.status_code == 200, edit.text
    after = visitor.get(f"{b}{page}", timeout=10)
    assert after.headers["X-Page-Cache"] == "miss"
    assert "Hearing on decent work for domestic workers" in after.text
    assert visitor.get(f"{a}{page}", timeout=10).headers["X-Page-Cache"] == "hit"


def test_the_forms_rate_limit_counts_submissions_on_both_servers(servers):
    a, b = servers
    open_hearing(slug="limits")
    form = "/hearings/limits/contribute/"
    browser = requests.Session()
    browser.headers.update(PUBLIC_HOST)
    answers = []
    for number, base in enumerate([a, b, a, b, a, b]):
        answer = post_contribution(browser, f"{base}{form}", number)
        answers.append((answer.status_code, answer.headers.get("Location", "")))
    # Five accepted from one address (each then redirected to its status page), the sixth
    # refused whichever server it reaches.
    shared = redis.Redis.from_url(REDIS_URL)
    counts = {key: shared.get(key) for key in shared.scan_iter("*ratelimit*")}
    assert [status for status, _where in answers] == [302, 302, 302, 302, 302, 429], (
        answers,
        counts,
    )


def post_contribution(session, url, number, email="limits@example.org"):
    token = csrf_token(session, url)
    return session.post(
        url,
        data={
            "csrfmiddlewaretoken": token,
            "author_name": "Amina Diallo",
            "author_email": email,
            "organization_text": "Migrant Voices",
            "category": "civil_society",
            "country": "SN",
            "language": "en",
            "title": f"Paper {number}",
            "body": f"Regular pathways for migrant workers, paper number {number}. " * 3,
            "consent": "named",
            "website": "",
        },
        headers={"Referer": url},
        allow_redirects=False,
        timeout=10,
    )


def test_login_throttling_counts_failures_on_both_servers(servers, editor):
    a, b = servers
    browser = requests.Session()
    browser.headers.update(PUBLIC_HOST)
    assert admin_login(browser, a, "wrong").status_code == 200
    assert admin_login(browser, b, "wrong").status_code == 200
    assert admin_login(browser, a, "wrong").status_code == 429
    # The right password waits too, whichever server answers.
    assert admin_login(browser, b, "pw-editor-1").status_code == 429
