"""The live speakers' list across machines: two daphne servers (config.asgi, debug off) sharing
this test's PostgreSQL database and one Redis database as their channel layer. A change made
through one server's API reaches a WebSocket client connected to the other.

PostgreSQL only; needs Redis at 127.0.0.1:6379, whose database 12 it empties before and after.
Marked `servers`, like test_two_servers.py: excluded with `-m "not servers"`."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests
import websockets
from django.db import connection
from rest_framework.authtoken.models import Token

from consultations import services
from consultations.enums import SegmentKind
from consultations.tests.factories import SegmentFactory
from consultations.tests.floor_support import approved

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/12"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment():
    settings = connection.settings_dict
    database = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": "two-asgi-servers-test-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_SECURE_COOKIES": "off",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
    }


def start_daphne(port):
    return subprocess.Popen(
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
        env=server_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_up(url, process, seconds=300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet
            time.sleep(0.2)
    raise RuntimeError(f"daphne at {url} did not answer in {seconds} s")


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
    processes = [start_daphne(port) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}", process)
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shared.flushdb()
        shared.close()


def test_a_change_through_one_server_reaches_a_client_of_the_other(
    asgi_servers, editor, floor_segment
):
    a, b = asgi_servers
    registration = approved(floor_segment, "Amina")
    # A browser test earlier in the run may leave Playwright's event loop in this thread; the
    # service announces the change from sync code, which belongs in a thread of its own.
    with ThreadPoolExecutor(1) as worker:
        worker.submit(services.request_floor, registration, floor_segment).result()
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

    pushed = asyncio.run(scenario())
    assert pushed["speaking"]["name"] == "Amina"
