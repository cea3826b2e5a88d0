"""Servers started as processes of their own on this test's PostgreSQL database (gunicorn or
daphne, as production runs them): a free port, the database's address, production settings,
waiting until /healthz answers, and stopping them before pytest-django drops the database."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """This test's database, as DATABASE_URL names it to another process."""
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def production_environment(name, **settings):
    """Debug off on plain HTTP at 127.0.0.1, on this test's database, with `settings` on top;
    `name` makes the server's own secret key. The static files are those the suite collected
    once for its session (conftest.py), hashed names and manifest as `make serve` has them."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_STATIC_ROOT": str(django_settings.STATIC_ROOT),
        "DJANGO_DEBUG": "off",
        "DJANGO_SECRET_KEY": f"{name}-test-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_SECURE_COOKIES": "off",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        **settings,
    }


def start(arguments, environment):
    """`python -m <arguments>` in the project folder. Its log goes to the test's own error
    output, which pytest shows beside a failure; never to a pipe, which nobody reads and which
    stops a server that logs much once it is full."""
    return subprocess.Popen(
        [sys.executable, "-m", *arguments], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL
    )


def start_gunicorn(environment):
    return start(["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"], environment)


def start_daphne(port, environment):
    return start(
        ["daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"], environment
    )


def wait_until_up(url, process, seconds=120):
    """Until `url`/healthz answers 200; the server's end, or the deadline, fails the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {url} stopped with exit code {process.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still starting
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not answer in {seconds} s")


def stop(processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
