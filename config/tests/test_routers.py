"""The read replica: anonymous reads there, everything else on the primary. Proven with two real
databases (two PostgreSQL databases on the same server when the suite runs on PostgreSQL, two
SQLite files otherwise) that hold different data, so a page shows which one it read."""

import json
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from config.middleware import replica_reads
from config.routers import ReplicaRouter
from config.tests.test_settings import BASE_DIR, clean_environment
from consultations.models import Hearing

SLUG = "gcm-second-multi-stakeholder-hearing-2017"


def test_router_sends_anonymous_reads_to_the_replica_and_the_rest_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Hearing) == "default"
    token = replica_reads.set(True)
    try:
        assert router.db_for_read(Hearing) == "replica"
        assert router.db_for_write(Hearing) == "default"
    finally:
        replica_reads.reset(token)
    assert router.allow_migrate("default", "consultations") is True
    assert router.allow_migrate("replica", "consultations") is False


def run(args, **env):
    result = subprocess.run(
        args,
        cwd=BASE_DIR,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


PROBE = f"""
import json
import django
django.setup()
from django.contrib.auth.models import User
from django.test import Client

client = Client()
anonymous = client.get("/hearings/{SLUG}/").status_code
listing = client.get("/hearings/").content.decode()
user = User.objects.create_user("staff-probe", password="unused-pw-1", is_staff=True)
client.force_login(user)
signed_in = client.get("/hearings/{SLUG}/").status_code
print(json.dumps({{"anonymous": anonymous, "signed_in": signed_in,
                   "listed": "{SLUG}" in listing,
                   "users": User.objects.count()}}))
"""


@pytest.fixture
def two_databases(tmp_path):
    """A primary holding no hearing and a "replica" holding the Geneva hearing."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        base = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
        names = [f"hearings_prod_{role}_{uuid.uuid4().hex[:8]}" for role in ("primary", "replica")]
        for name in names:
            run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"])
        urls = [f"{base}/{name}" for name in names]
        yield urls
        for name in names:
            run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"])
    else:
        yield [
            f"sqlite:///{tmp_path / 'primary.sqlite3'}",
            f"sqlite:///{tmp_path / 'replica.sqlite3'}",
        ]


def test_anonymous_pages_read_the_replica_and_signed_in_staff_the_primary(two_databases):
    primary, replica = two_databases
    common = {"DJANGO_DEBUG": "on"}
    for url in (primary, replica):
        run([sys.executable, "manage.py", "migrate", "-v0"], DATABASE_URL=url, **common)
    run(
        [sys.executable, "manage.py", "loaddata", "gcm_hearing_2017", "-v0"],
        DATABASE_URL=replica,
        **common,
    )
    out = run(
        [sys.executable, "-c", PROBE],
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL=replica,
        DJANGO_ALLOWED_HOSTS="testserver",
        **common,
    )
    assert json.loads(out) == {"anonymous": 200, "signed_in": 404, "listed": True, "users": 1}
