"""The chair's console and the public live page open at once in Chromium, both served by daphne
(config.asgi: pages and WebSocket) on this test's database: giving the floor on the console shows
the new speaker on the public page within a second, without a reload.

PostgreSQL only: the server is another process, which cannot see SQLite's in-memory test
database."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from config.tests.servers_support import (
    free_port,
    production_environment,
    start_daphne,
    stop,
    wait_until_up,
)
from consultations import services
from consultations.tests.floor_support import approved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asgi_server():
    if connection.vendor != "postgresql":
        pytest.skip("the ASGI server is another process: it needs PostgreSQL")
    port = free_port()
    environment = production_environment(
        "live-page",
        # Debug on: whitenoise serves the static files from the app folders, no collectstatic.
        DJANGO_DEBUG="on",
        DJANGO_PAGE_CACHE_SECONDS="0",
        # The chair's session is made here: the server checks it with the same key.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
    )
    # The in-memory channel layer: one server, no Redis.
    environment.pop("REDIS_URL", None)
    process = start_daphne(port, environment)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        stop([process])


def test_giving_the_floor_shows_on_the_public_page_within_a_second(
    browser, asgi_server, editor, floor_segment
):
    registration = approved(floor_segment, "Amina Diallo")
    services.request_floor(registration, floor_segment)
    slug = floor_segment.hearing.slug
    signed_in = Client()
    signed_in.force_login(editor)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    public = browser.new_context(locale="en-GB").new_page()
    errors = []
    public.on("pageerror", lambda error: errors.append(str(error)))
    public.goto(f"{asgi_server}/hearings/{slug}/live/")
    # Connected: the socket's first state is on the page (a locator, since the page's CSP
    # forbids the eval a wait_for_function needs).
    public.locator("#floor-live[data-updated-at]").wait_for(state="attached")
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
