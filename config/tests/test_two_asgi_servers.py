"""The live speakers' list across machines: two daphne servers (config.asgi, debug off) sharing
this test's PostgreSQL database and one Redis database as their channel layer. A change made
through one server's API reaches a WebSocket client connected to the other.

PostgreSQL only; needs Redis at 127.0.0.1:6379, whose database 12 it empties before and after.
Marked `servers`, like test_two_servers.py: excluded with `-m "not servers"`."""

import asyncio
import json

import pytest
import redis
import requests
import websockets
from django.db import connection
from rest_framework.authtoken.models import Token

from config.tests.servers_support import (
    free_port,
    production_environment,
    start_daphne,
    stop,
    wait_until_up,
)
from consultations import services
from consultations.enums import SegmentKind
from consultations.tests.factories import SegmentFactory
from consultations.tests.floor_support import approved, run_async

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def floor_segment():
    return SegmentFactory(kind=SegmentKind.INTERACTIVE, order=3, title="Interactive discussion")


@pytest.fixture
def asgi_servers():
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database")
    shared = redis.Redis.from_url(REDIS_URL)
    try:
        shared.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    shared.flushdb()
    ports = [free_port(), free_port()]
    environment = production_environment("two-asgi-servers", REDIS_URL=REDIS_URL)
    processes = []
    try:
        processes.extend(start_daphne(port, environment) for port in ports)
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}", process)
        yield ports
    finally:
        stop(processes)
        shared.flushdb()
        shared.close()


def test_a_change_through_one_server_reaches_a_client_of_the_other(
    asgi_servers, editor, floor_segment
):
    a, b = asgi_servers
    registration = approved(floor_segment, "Amina")
    services.request_floor(registration, floor_segment)
    token = Token.objects.create(user=editor)
    slug = floor_segment.hearing.slug

    async def scenario():
        async with websockets.connect(
            f"ws://127.0.0.1:{b}/ws/hearings/{slug}/live/", origin="http://localhost"
        ) as client:
            first = json.loads(await asyncio.wait_for(client.recv(), 10))
            assert first["speaking"] is None
            response = await asyncio.to_thread(
                requests.post,
                f"http://127.0.0.1:{a}/api/v1/hearings/{slug}/speakers/",
                json={"action": "give", "segment": floor_segment.order},
                headers={"Authorization": f"Token {token.key}", "Host": "localhost"},
                timeout=10,
            )
            assert response.status_code == 200, response.text
            pushed = json.loads(await asyncio.wait_for(client.recv(), 10))
            return pushed

    # A browser test earlier in the run may leave Playwright's event loop in this thread.
    pushed = run_async(scenario)
    assert pushed["speaking"]["name"] == "Amina"
