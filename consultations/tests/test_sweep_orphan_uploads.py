"""Files a killed worker left behind, with no record pointing to them, are swept; files of
records and files still young (their request may be running) stay."""

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from consultations.tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db

HOUR_AGO = time.time() - 2 * 3600


def stored(name, age=HOUR_AGO):
    name = default_storage.save(name, ContentFile(b"%PDF-1.4 test"))
    os.utime(default_storage.path(name), (age, age))
    return name


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_only_old_files_without_a_record_are_deleted():
    kept = ContributionFactory(attachment=stored("contributions/kept.pdf"))
    orphan = stored("contributions/orphan.pdf")
    young = stored("contributions/young.pdf", age=time.time())
    letter = stored("nominations/orphan-letter.pdf")
    out = StringIO()
    call_command("sweep_orphan_uploads", stdout=out)
    assert default_storage.exists(kept.attachment.name)
    assert default_storage.exists(young)
    assert not default_storage.exists(orphan)
    assert not default_storage.exists(letter)
    assert out.getvalue().splitlines()[-1] == "2 orphan file(s) deleted."


def test_dry_run_deletes_nothing():
    orphan = stored("contributions/orphan.pdf")
    out = StringIO()
    call_command("sweep_orphan_uploads", "--dry-run", stdout=out)
    assert default_storage.exists(orphan)
    assert out.getvalue().splitlines() == [
        "orphan: contributions/orphan.pdf",
        "1 orphan file(s) found.",
    ]


def test_nothing_uploaded_yet_is_fine():
    out = StringIO()
    call_command("sweep_orphan_uploads", stdout=out)
    assert out.getvalue() == "0 orphan file(s) deleted.\n"
