"""The live speakers' list under load: BENCH_WS_CLIENTS (500) WebSocket clients connected to one
daphne server; a staff change through the API; the time from the change to the first, median and
last client receiving the new state (target: last under 500 ms), and the server's memory before
and after the clients connect.

Runs on the database DATABASE_URL names (migrated), where it adds a marked bench hearing and
removes it afterwards. With REDIS_URL set the server uses Redis as its channel layer, as in
production; without, the in-memory layer. Needs the dev requirements (websockets):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings .venv/bin/python bench/live_ws.py

Settings: BENCH_WS_CLIENTS, BENCH_WS_ROUNDS (changes measured, default 5), BENCH_PORT (8766).
"""

import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "500"))
ROUNDS = int(os.environ.get("BENCH_WS_ROUNDS", "5"))
PORT = int(os.environ.get("BENCH_PORT", "8766"))
SLUG = "bench-live-speakers-list"
SERVER_LOG = Path(
    os.environ.get("BENCH_WS_SERVER_LOG")
    or Path(tempfile.gettempdir()) / "bench-live-ws-daphne.log"
)
# Clients connect this many at a time.
BATCH = 20


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    import django

    django.setup()


def make_hearing(speakers):
    """A published hearing with an interactive segment, `speakers` approved registrants queued,
    and a staff token to drive the list."""
    from django.contrib.auth.models import User
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from consultations import services
    from consultations.enums import RegistrationStatus, SegmentKind
    from consultations.models import Hearing, Process, Registration, Segment
    from stakeholders.enums import StakeholderCategory
    from stakeholders.models import Organization

    process, _created = Process.objects.get_or_create(
        code="BENCH", defaults={"title": "Bench process", "slug": "bench-process"}
    )
    hearing = Hearing.objects.create(
        process=process,
        slug=SLUG,
        title="Bench: live speakers' list",
        date=timezone.localdate(),
        venue="Bench",
        city="Geneva",
        organizer="Bench",
        published=True,
    )
    segment = Segment.objects.create(
        hearing=hearing, order=1, kind=SegmentKind.INTERACTIVE, title="Interactive discussion"
    )
    for number in range(speakers):
        organization = Organization.objects.create(
            name=f"Bench organization {number}",
            slug=f"bench-organization-{number}",
            category=StakeholderCategory.CIVIL_SOCIETY,
        )
        registration = Registration.objects.create(
            hearing=hearing,
            name=f"Bench speaker {number}",
            email=f"bench{number}@example.org",
            organization=organization,
            category=organization.category,
            status=RegistrationStatus.APPROVED,
            decided_at=timezone.now(),
            listed_publicly=True,
        )
        services.request_floor(registration, segment)
    user, _created = User.objects.get_or_create(
        username="bench-chair", defaults={"is_staff": True, "is_superuser": True}
    )
    return Token.objects.get_or_create(user=user)[0].key


def remove_hearing():
    from django.contrib.auth.models import User

    from consultations.models import FloorList, Hearing, Registration, SpeakerRequest
    from stakeholders.models import Organization

    SpeakerRequest.objects.filter(floor_list__segment__hearing__slug=SLUG).delete()
    FloorList.objects.filter(segment__hearing__slug=SLUG).delete()
    Registration.objects.filter(hearing__slug=SLUG).delete()
    Hearing.objects.filter(slug=SLUG).delete()
    Organization.objects.filter(slug__startswith="bench-organization-").delete()
    User.objects.filter(username="bench-chair").delete()


def resident_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def wait_until_up(process):
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("daphne stopped")
        try:
            # The bench's own server on the loopback, over plain HTTP.
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):  # nosec B310
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("daphne did not start")


def give_floor(token):
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/v1/hearings/{SLUG}/speakers/",
        data=json.dumps({"action": "give", "segment": 1}).encode(),
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Host": "localhost",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310
        if response.status != 200:
            sys.exit(f"giving the floor answered {response.status}")


async def arrival(client, received):
    await client.recv()
    received.append(time.perf_counter())


async def measure(token, daphne_pid):
    import websockets

    url = f"ws://127.0.0.1:{PORT}/ws/hearings/{SLUG}/live/"
    clients = []
    for start in range(0, CLIENTS, BATCH):
        batch = [
            websockets.connect(url, origin="http://localhost", open_timeout=60, ping_interval=None)
            for _ in range(start, min(start + BATCH, CLIENTS))
        ]
        clients += await asyncio.gather(*batch)
    await asyncio.gather(*(client.recv() for client in clients))
    connected_kib = resident_kib(daphne_pid)
    rounds = []
    for _round in range(ROUNDS):
        received = []
        listeners = [asyncio.create_task(arrival(client, received)) for client in clients]
        started = time.perf_counter()
        await asyncio.to_thread(give_floor, token)
        await asyncio.wait_for(asyncio.gather(*listeners), 60)
        delays = sorted((moment - started) * 1000 for moment in received)
        rounds.append((delays[0], statistics.median(delays), delays[-1]))
    for client in clients:
        await client.close()
    return connected_kib, rounds


def main():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    setup_django()
    remove_hearing()
    token = make_hearing(ROUNDS + 1)
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_SECURE_COOKIES": "off",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
    }
    daphne = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(PORT),
            # Each handshake reads the hearing and the state from the database: on a loaded
            # machine 500 of them take longer than daphne's default 5 s to be accepted.
            "--websocket_connect_timeout",
            "60",
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=SERVER_LOG.open("w"),
    )
    try:
        wait_until_up(daphne)
        idle_kib = resident_kib(daphne.pid)
        connected_kib, rounds = asyncio.run(measure(token, daphne.pid))
    finally:
        daphne.send_signal(signal.SIGTERM)
        try:
            daphne.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daphne.kill()
        remove_hearing()
    layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
    print(f"{CLIENTS} WebSocket clients on one daphne server, {layer} channel layer")
    print(
        f"server memory: {idle_kib / 1024:.0f} MiB idle, {connected_kib / 1024:.0f} MiB connected"
    )
    print("change → clients (ms): first, median, last")
    for first, median, last in rounds:
        print(f"  {first:7.1f} {median:7.1f} {last:7.1f}")
    worst = max(last for _first, _median, last in rounds)
    print(f"worst last client: {worst:.0f} ms (target under 500 ms)")


if __name__ == "__main__":
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", PORT))
    main()
