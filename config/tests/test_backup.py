"""`make backup` then `make restore` into another database gives back every table, row for row.
On PostgreSQL the backup is pg_dump's and the restore pg_restore's; on SQLite dumpdata/loaddata."""

import json
import subprocess
import sys
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from config.tests.test_settings import BASE_DIR, clean_environment
from consultations.enums import ContributionStatus
from consultations.models import Contribution, OutgoingEmail
from consultations.tests.factories import ContributionFactory, HearingFactory, RegistrationFactory

SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}

# Run on both sides: every table's row count and a sample of content.
SNAPSHOT = """
import json
from django.apps import apps
from consultations.models import Contribution, Hearing, Registration

def snapshot(skipped):
    counts = {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in skipped
    }
    sample = {
        "contributions": [
            list(row) for row in Contribution.objects.order_by("reference").values_list(
                "reference", "title", "body", "author_name", "status", "attachment"
            )
        ],
        "registrations": sorted(Registration.objects.values_list("email", "name")),
        "hearings": sorted(Hearing.objects.values_list("slug", "title", "date")),
    }
    return json.loads(json.dumps({"counts": counts, "sample": sample}, default=str))
"""


def snapshot():
    scope = {}
    exec(SNAPSHOT, scope)  # noqa: S102 (the test's own code, shared with the subprocess)
    return scope["snapshot"](SKIPPED)


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


@pytest.fixture
def empty_database(tmp_path):
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        base = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}"
        name = f"hearings_prod_restore_{uuid.uuid4().hex[:8]}"
        run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"])
        yield f"{base}/{name}"
        run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"])
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path, settings, empty_database, editor):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    hearing = HearingFactory(title="Audition « Genève » 移民", slug="geneve")
    RegistrationFactory.create_batch(3, hearing=hearing, name="Zoë Ñandú")
    contribution = ContributionFactory(hearing=hearing, body="Ligne 1\nLigne 2 — «ok» 🌍")
    contribution.attachment.save("note.pdf", ContentFile(b"%PDF-1.4 backup"), save=True)
    Contribution.objects.filter(pk=contribution.pk).update(
        status=ContributionStatus.PUBLISHED, published_at="2030-05-01T10:00:00Z"
    )
    OutgoingEmail.objects.create(to="a@example.org", subject="S", text="T", html="<p>H</p>")
    before = snapshot()
    assert before["counts"]["consultations.contribution"] == 1
    assert before["counts"]["consultations.historicalregistration"] == 3
    # The editor's role: the user's group and the group's permissions come back too.
    assert before["counts"]["auth.user_groups"] > 0
    assert before["counts"]["auth.group_permissions"] > 0

    prefix = tmp_path / "backups" / "hearings"
    call_command("backup_database", str(prefix), verbosity=0)
    extension = ".pgdump" if connection.vendor == "postgresql" else ".json.gz"
    restored_media = tmp_path / "restored-media"
    env = {
        "DATABASE_URL": empty_database,
        "DJANGO_DEBUG": "on",
        "DJANGO_MEDIA_ROOT": str(restored_media),
    }
    run(
        [sys.executable, "manage.py", "restore_database", f"{prefix}{extension}", "--no-input"],
        **env,
    )
    code = f"import django; django.setup()\n{SNAPSHOT}\nprint(json.dumps(snapshot({sorted(SKIPPED)!r})))"
    after = json.loads(run([sys.executable, "-c", code], **env))

    assert after == before
    assert (restored_media / contribution.attachment.name).read_bytes() == b"%PDF-1.4 backup"


def test_restore_refuses_a_missing_or_unknown_file(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "restore_database",
            str(tmp_path / "none.json.gz"),
            "--no-input",
        ],
        cwd=BASE_DIR,
        env=clean_environment(
            DJANGO_DEBUG="on", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"CommandError: No backup at {tmp_path / 'none.json.gz'}."
