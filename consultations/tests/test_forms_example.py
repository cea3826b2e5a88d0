"""The example hearing a newcomer tries the forms on: open, marked, apart from the real record."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.models import Contribution, Hearing, Process
from consultations.tests.factories import HearingFactory

pytestmark = pytest.mark.django_db


def test_example_hearing_is_open_marked_and_listed(client):
    real = HearingFactory(title="Real hearing")
    call_command("create_example_hearing", stdout=io.StringIO())
    call_command("create_example_hearing", stdout=io.StringIO())  # again: no copy
    example = Hearing.objects.get(slug="example-upcoming-hearing")
    assert Hearing.objects.count() == 2
    assert example.title.startswith("Example:")
    assert example.description.startswith("EXAMPLE ONLY")
    assert (example.process.code, example.process.title) == ("EX", "Example process")
    assert example.published is True
    assert example.registration_window.is_open() and example.contribution_window.is_open()
    assert example.status == "upcoming"
    assert list(example.segments.values_list("title", flat=True)) == [
        "Example: opening segment",
        "Example: panel on regular pathways",
        "Example: closing segment",
    ]
    assert example.get_absolute_url() in client.get("/").content.decode()
    page = client.get(reverse("consultations:contribute", args=[example.slug]))
    assert 'class="public-form"' in page.content.decode()
    real.refresh_from_db()
    assert real.process.code != "EX"


def test_clear_removes_the_example_and_what_was_sent_to_it(client):
    call_command("create_example_hearing", stdout=io.StringIO())
    example = Hearing.objects.get(slug="example-upcoming-hearing")
    Contribution.objects.create(
        hearing=example,
        author_name="Tester",
        author_email="t@example.org",
        category="other",
        title="Trying",
        body="x" * 60,
        consent="anonymous",
    )
    real = HearingFactory()
    call_command("create_example_hearing", "--clear", stdout=io.StringIO())
    assert list(Hearing.objects.all()) == [real]
    assert not Process.objects.filter(code="EX").exists()
    assert Contribution.objects.count() == 0
