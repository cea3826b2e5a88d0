"""The chair's console and the public live page open at once in Chromium, both served by daphne
(config.asgi: pages and WebSocket) on this test's database: giving the floor on the console shows
the new speaker on the public page within a second, without a reload.

PostgreSQL only: the server is another process, which cannot see SQLite's in-memory test
database."""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from consultations import services
from consultations.tests.floor_support import approved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_own_thread(function, *args):
    try:
        return function(*args)
    finally:
        connection.close()


@pytest.fixture
def asgi_server():
    if connection.vendor != "postgresql":
        pytest.skip("the ASGI server is another process: it needs PostgreSQL")
    database = connection.settings_dict
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        # Debug on: whitenoise serves the static files from the app folders, no collectstatic.
        "DJANGO_DEBUG": "on",
        "DJANGO_PAGE_CACHE_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    environment.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:])
            try:
                requests.get(f"{url}/healthz", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_giving_the_floor_shows_on_the_public_page_within_a_second(
    browser, asgi_server, editor, floor_segment
):
    registration = approved(floor_segment, "Amina Diallo")
    # Playwright keeps an event loop in this thread; the service announces the change from
    # sync code, which belongs in a thread of its own.
    with ThreadPoolExecutor(1) as worker:
        worker.submit(in_own_thread, services.request_floor, registration, floor_segment).result()
    slug = floor_segment.hearing.slug
    signed_in = Client()
    signed_in.force_login(editor)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    public = browser.new_context(locale="en-GB").new_page()
    errors = []
    public.on("pageerror", lambda error: errors.append(str(error)))
    public.goto(f"{asgi_server}/hearings/{slug}/live/")
    public.wait_for_function("document.getElementById('floor-live').dataset.updatedAt")
    assert "Nobody has the floor." in public.locator("[data-field=speaking]").inner_text()

    chair_context = browser.new_context(locale="en-GB")
    chair_context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": asgi_server}]
    )
    console = chair_context.new_page()
    console.goto(f"{asgi_server}/hearings/{slug}/floor/{floor_segment.order}/")
    console.get_by_role("button", name="Give the floor to the next speaker").click()
    clicked = time.monotonic()
    public.locator("[data-field=speaking] .speaker-name").get_by_text(
        "Amina Diallo", exact=True
    ).wait_for(timeout=1000)
    assert time.monotonic() - clicked < 1
    clock = public.locator("[data-field=clock]")
    assert clock.inner_text() in {"3:00", "2:59", "2:58"}
    assert errors == []
    chair_context.close()
    public.context.close()
