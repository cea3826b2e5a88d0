"""A worker killed mid-request leaves nothing half-written. One gunicorn server (gunicorn.conf.py,
debug off) on this test's PostgreSQL database; the test holds a lock in a connection of its own
so that a contribution sent through the public form waits inside its transaction, kills the
worker with SIGKILL (no Python code runs after that: no rollback, no middleware), releases the
lock, and finds nothing: PostgreSQL rolls back the transaction of a client that went away. The
master starts a new worker and the same form is then accepted.

Two moments: before the attachment is saved (waiting for the hearing's row lock that
`submit_contribution` takes first), and after it (waiting to insert the contribution, once
`FileField.pre_save` has written the file). In the second case the file stays behind: a process
killed outright cannot delete it, and the database has no record of it. It is an orphan no
record points to and that nobody can download; the test states it rather than hide it, and
`manage.py sweep_orphan_uploads` (tested in consultations/tests/test_sweep_orphan_uploads.py)
deletes such files once they are an hour old.

PostgreSQL only (SQLite has no row locks across processes). About 10 s. Excluded with
`-m "not servers"`."""

import os
import signal
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

from config.tests.servers_support import (
    free_port,
    production_environment,
    start_gunicorn,
    stop,
    wait_until_up,
)
from config.tests.test_two_servers import PUBLIC_HOST, csrf_token
from consultations.models import Contribution, OutgoingEmail, StatusChange
from consultations.tests.forms_support import open_hearing, pdf_bytes

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    if connection.vendor != "postgresql":
        pytest.skip("row locks held across processes need PostgreSQL")
    media = tmp_path_factory.mktemp("killed-worker-media")
    port = free_port()
    environment = production_environment(
        "killed-worker",
        PORT=str(port),
        DJANGO_MEDIA_ROOT=str(media),
        EMAIL_URL="console:",
        GUNICORN_WORKERS="1",
        GUNICORN_LOG_LEVEL="warning",
    )
    for shared_cache in ("REDIS_URL", "CACHE_URL"):
        environment.pop(shared_cache, None)
    process = start_gunicorn(environment)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url, process, media
    finally:
        stop([process])


def worker_pids(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def locker():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )


def backends_waiting_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return [row[0] for row in cursor.fetchall()]


def backend_alive(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"still waiting after {seconds} s: {predicate.__name__}")


def files_in(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def send_form(browser, url, hearing):
    form = f"{url}/hearings/{hearing.slug}/contribute/"
    token = csrf_token(browser, form)
    return browser.post(
        form,
        data={
            "csrfmiddlewaretoken": token,
            "author_name": "Ana Gómez",
            "author_email": "ana@example.org",
            "organization_text": "ICMC",
            "category": "civil_society",
            "country": "MX",
            "language": "es",
            "title": "Regular pathways",
            "segment": "",
            "body": "We recommend regular pathways for migrant workers, and say why at length.",
            "consent": "organization",
            "website": "",
        },
        files={"attachment": ("annex.pdf", pdf_bytes(), "application/pdf")},
        headers={"Referer": form},
        allow_redirects=False,
        timeout=30,
    )


# What the test's own connection holds while the form is sent, and the orphan files expected.
BEFORE_THE_FILE = "SELECT 1 FROM consultations_hearing WHERE id = %s FOR UPDATE"
# SHARE mode lets the duplicate check read the table but makes the INSERT wait.
AFTER_THE_FILE = "LOCK TABLE consultations_contribution IN SHARE MODE"


@pytest.mark.parametrize(
    ("lock", "orphan_files"), [(BEFORE_THE_FILE, 0), (AFTER_THE_FILE, 1)], ids=["before", "after"]
)
def test_a_worker_killed_mid_submission_leaves_no_record(server, lock, orphan_files):
    url, master, media = server
    hearing = open_hearing(slug=f"killed-{orphan_files}")
    browser = requests.Session()
    browser.headers.update(PUBLIC_HOST)
    answers = []

    def submit():
        try:
            answers.append(send_form(browser, url, hearing).status_code)
        except requests.ConnectionError:
            answers.append("connection lost")

    files_before = files_in(media)
    held = locker()
    try:
        with held.cursor() as cursor:
            cursor.execute(lock, [hearing.pk] if "%s" in lock else None)
        sender = threading.Thread(target=submit)
        sender.start()
        [waiting] = wait_for(backends_waiting_for_a_lock)
        [worker] = worker_pids(master)
        os.kill(worker, signal.SIGKILL)
        sender.join(timeout=10)
        assert answers == ["connection lost"]
    finally:
        held.rollback()  # releases the lock: the killed worker's backend gets it, then finds
        held.close()  # its client gone and rolls back instead of committing
    wait_for(lambda: not backend_alive(waiting))

    assert Contribution.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    orphans = [name for name in files_in(media) if name not in files_before]
    assert len(orphans) == orphan_files

    # A new worker took over, and the hearing is not left locked: the same form goes through.
    wait_until_up(url, master)
    assert worker_pids(master) != [worker]
    assert send_form(browser, url, hearing).status_code == 302
    contribution = Contribution.objects.get()
    assert StatusChange.objects.filter(contribution=contribution).count() == 1
    assert OutgoingEmail.objects.filter(to=contribution.author_email).count() == 1
    assert sorted(name for name in files_in(media) if name not in files_before) == sorted(
        [*orphans, contribution.attachment.name]
    )
