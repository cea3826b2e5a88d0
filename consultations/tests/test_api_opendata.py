"""The open-data zip and the iCalendar feeds: what a client downloads."""

import csv
import datetime
import io
import json
import zipfile

import icalendar
import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.test import override_settings
from django.utils import timezone

from consultations.enums import ContributionStatus, PublicationConsent
from consultations.tests.factories import ContributionFactory, HearingFactory, SegmentFactory
from stakeholders.tests.api_support import fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEED = "gcm-second-multi-stakeholder-hearing-2017"
TABLES = [
    "processes",
    "hearings",
    "segments",
    "sub_discussions",
    "participants",
    "interventions",
    "key_messages",
    "outcomes",
    "organizations",
    "people",
    "contributions",
]


def download(client):
    response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    chunks = list(response.streaming_content)
    return response, chunks, zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def published(**kwargs):
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


@override_settings(OPEN_DATA_LICENCE="CC BY-SA 4.0 IGO")
def test_open_data_zip_holds_the_published_record_as_json_and_csv(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    hidden = HearingFactory(slug="draft", published=False)
    SegmentFactory(hearing=hidden, title="Secret panel")
    PersonFactory(slug="has-email", email="private@example.org")
    fian = OrganizationFactory(slug="fian", name="FIAN International")
    hearing = HearingFactory(slug="open")
    published(hearing=hearing, title="Named", organization=fian, consent=PublicationConsent.NAMED)
    published(
        hearing=hearing,
        title="Org only",
        organization=fian,
        consent=PublicationConsent.ORGANIZATION,
    )
    published(
        hearing=hearing, title="Anonymous", organization=fian, consent=PublicationConsent.ANONYMOUS
    )
    ContributionFactory(hearing=hearing, title="Waiting")
    published(hearing=hidden, title="In a draft hearing")

    response, _chunks, archive = download(client)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="hearings-open-data-{timezone.localdate().isoformat()}.zip"'
    )
    assert archive.namelist() == ["README.md"] + [
        f"{name}.{kind}" for name in TABLES for kind in ("json", "csv")
    ]
    readme = archive.read("README.md").decode()
    assert "Licence: CC BY-SA 4.0 IGO" in readme
    assert "- `author_name`: The author's name, only where the author agreed." in readme
    assert "## contributions" in readme

    hearings = json.loads(archive.read("hearings.json"))
    assert [h["slug"] for h in hearings] == [SEED, "open"]
    segments = json.loads(archive.read("segments.json"))
    assert "Secret panel" not in {s["title"] for s in segments}
    assert len([s for s in segments if s["hearing"] == SEED]) == 8
    participants = json.loads(archive.read("participants.json"))
    assert {"name": "Ilias Chatzis", "role": "moderator"}.items() <= next(
        p for p in participants if p["person"] == "ilias-chatzis"
    ).items()
    assert len(participants) == 23

    contributions = json.loads(archive.read("contributions.json"))
    authors = {
        c["title"]: (c["author_name"], c["organization"], c["organization_name"])
        for c in contributions
    }
    assert authors == {
        "Named": ("Ana Gómez", "fian", "FIAN International"),
        "Org only": ("", "fian", "FIAN International"),
        "Anonymous": ("", "", ""),
    }
    assert "ana@example.org" not in archive.read("contributions.json").decode()
    assert "private@example.org" not in archive.read("people.json").decode()
    assert "email" not in archive.read("people.csv").decode().splitlines()[0]

    rows = list(csv.DictReader(io.StringIO(archive.read("contributions.csv").decode())))
    assert [(r["title"], r["author_name"]) for r in rows] == [
        ("Named", "Ana Gómez"),
        ("Org only", ""),
        ("Anonymous", ""),
    ]
    hearing_rows = list(csv.DictReader(io.StringIO(archive.read("hearings.csv").decode())))
    assert [r["slug"] for r in hearing_rows] == [SEED, "open"]


def test_open_data_streams_in_chunks_and_neutralises_formulas(client):
    hearing = HearingFactory()
    now = timezone.now()
    for n in range(600):
        ContributionFactory(
            hearing=hearing,
            title=f"=cmd|' /C calc'!A{n}",
            status=ContributionStatus.PUBLISHED,
            published_at=now,
        )
    _response, chunks, archive = download(client)
    # The zip leaves in pieces as rows are read, not as one block built in memory.
    assert len(chunks) > 10
    rows = list(csv.DictReader(io.StringIO(archive.read("contributions.csv").decode())))
    assert len(rows) == 600
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    assert json.loads(archive.read("contributions.json"))[0]["title"] == "=cmd|' /C calc'!A0"


def test_an_empty_record_still_has_headers(client):
    _response, _chunks, archive = download(client)
    assert json.loads(archive.read("hearings.json")) == []
    assert (
        archive.read("hearings.csv").decode().splitlines()[0].startswith("slug,title,process,date")
    )


def test_one_hearing_as_icalendar(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    response = client.get(f"/hearings/{SEED}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Second informal interactive multi-stakeholder hearing"
    assert str(event["uid"]) == f"hearing-{SEED}@127.0.0.1"
    assert str(event["url"]) == f"http://127.0.0.1:8000/hearings/{SEED}/"
    assert str(event["location"]) == "Room XIX, Palais des Nations, Geneva, Switzerland"
    # No times recorded: an all-day event on the hearing's date.
    assert event.decoded("dtstart") == datetime.date(2017, 10, 11)
    assert event.decoded("dtend") == datetime.date(2017, 10, 12)


def test_all_published_hearings_as_icalendar(client):
    HearingFactory(
        slug="geneva",
        title="Geneva hearing",
        date=datetime.date(2030, 5, 14),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(13, 0),
        time_zone="Europe/Zurich",
        country="CH",
        city="Geneva",
    )
    HearingFactory(slug="new-york", title="New York hearing", date=datetime.date(2030, 6, 1))
    HearingFactory(slug="draft", title="Draft", published=False)
    response = client.get("/hearings.ics")
    assert response.status_code == 200
    events = {
        str(e["summary"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert sorted(events) == ["Geneva hearing", "New York hearing"]
    geneva = events["Geneva hearing"]
    assert geneva.decoded("dtstart") == datetime.datetime(2030, 5, 14, 8, 0, tzinfo=datetime.UTC)
    assert geneva.decoded("dtend") == datetime.datetime(2030, 5, 14, 11, 0, tzinfo=datetime.UTC)
    assert str(geneva["location"]) == "Conference Room 4, Geneva, Switzerland"
    new_york = events["New York hearing"]
    assert new_york.decoded("dtstart") == datetime.date(2030, 6, 1)
    assert new_york.decoded("dtend") == datetime.date(2030, 6, 2)


def test_unpublished_or_unknown_hearing_calendar_is_404(client):
    HearingFactory(slug="draft", published=False)
    assert client.get("/hearings/draft.ics").status_code == 404
    assert client.get("/hearings/nothing.ics").status_code == 404
    assert client.post("/hearings.ics").status_code == 405


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_open_data_zip_is_read_only_even_for_staff(client, editor, method):
    client.force_login(editor)
    response = getattr(client, method)("/api/v1/open-data/", {}, content_type="application/json")
    assert response.status_code == 405
