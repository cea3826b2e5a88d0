"""The open-data zip and the iCalendar feeds: what a client downloads."""

import csv
import datetime
import io
import json
import zipfile

import icalendar
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.http import FileResponse
from django.test import override_settings
from django.utils import timezone
from django.utils.http import http_date

from consultations.enums import ContributionStatus, PublicationConsent
from consultations.opendata import record_zip
from consultations.opendata_file import BUILD_LOCK_KEY, OPEN_DATA_NAME, build
from consultations.tests.factories import ContributionFactory, HearingFactory, SegmentFactory
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def download(client):
    """Build the zip as cron would, then download it."""
    call_command("build_open_data", "--force", verbosity=0)
    response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
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
    # The zip is written in pieces as rows are read, not as one block built in memory.
    assert len(list(record_zip())) > 10
    _response, _chunks, archive = download(client)
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


def test_before_the_first_build_a_download_is_503_with_retry_after(client):
    response = client.get("/api/v1/open-data/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "The open data file is not ready yet. It is built every few minutes: "
        "please try again shortly."
    }


def test_a_download_never_builds_nor_reads_the_record(client, media_root):
    published(hearing=HearingFactory(), title="On fees")
    with data_queries(0):
        assert client.get("/api/v1/open-data/").status_code == 503
    assert not (media_root / OPEN_DATA_NAME).exists()
    call_command("build_open_data", "--force", verbosity=0)
    with data_queries(0):
        response = client.get("/api/v1/open-data/")
        b"".join(response.streaming_content)
    assert response.status_code == 200


def test_the_file_is_served_with_its_size_build_time_and_etag(client, media_root):
    published(hearing=HearingFactory(), title="On fees")
    response, chunks, archive = download(client)
    path = media_root / OPEN_DATA_NAME
    assert archive.testzip() is None
    assert int(response["Content-Length"]) == path.stat().st_size == len(b"".join(chunks))
    built = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
    assert response["Last-Modified"] == http_date(path.stat().st_mtime)
    # The README says when it was built: the moment the build began, as the file's time.
    exported = archive.read("README.md").decode().split("Exported on ")[1].split(" from ")[0]
    assert abs(datetime.datetime.fromisoformat(exported) - built) < datetime.timedelta(seconds=2)
    assert response["Content-Disposition"] == (
        f'attachment; filename="hearings-open-data-{built.date().isoformat()}.zip"'
    )
    etag = response["ETag"]
    again = client.get("/api/v1/open-data/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    since = client.get("/api/v1/open-data/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    call_command("build_open_data", "--force", verbosity=0)
    rebuilt = client.get("/api/v1/open-data/", HTTP_IF_NONE_MATCH=etag)
    assert rebuilt.status_code == 200
    assert rebuilt["ETag"] != etag


def test_while_a_build_runs_the_last_complete_file_is_served(client, media_root):
    published(hearing=HearingFactory(), title="First version")
    first, first_chunks, _archive = download(client)
    seen = []

    def slow_build():
        """The next build, which downloads a copy halfway through writing."""
        for number, chunk in enumerate(record_zip()):
            if number == 3:
                response = client.get("/api/v1/open-data/")
                seen.append((response["ETag"], b"".join(response.streaming_content)))
            yield chunk

    published(hearing=HearingFactory(), title="Second version")
    build(slow_build())
    assert seen == [(first["ETag"], b"".join(first_chunks))]
    assert [p.name for p in (media_root / "open-data").iterdir()] == ["hearings-open-data.zip"]
    _response, _chunks, archive = download(client)
    assert "Second version" in archive.read("contributions.json").decode()


def test_a_failed_build_leaves_the_last_file_in_place(client, media_root):
    _response, first_chunks, _archive = download(client)

    def broken_build():
        yield from list(record_zip())[:2]
        raise OSError("disk full")

    with pytest.raises(OSError):
        build(broken_build())
    assert [p.name for p in (media_root / "open-data").iterdir()] == ["hearings-open-data.zip"]
    response = client.get("/api/v1/open-data/")
    assert b"".join(response.streaming_content) == b"".join(first_chunks)


def test_the_command_builds_only_after_a_change_and_at_most_once_a_period(settings):
    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    assert "Built open-data/hearings-open-data.zip (never built)" in out.getvalue()
    call_command("build_open_data", stdout=(out := io.StringIO()))
    assert out.getvalue() == "Nothing built: up to date.\n"
    published(hearing=HearingFactory(), title="On fees")
    settings.OPEN_DATA_BUILD_MINUTES = 10
    call_command("build_open_data", stdout=(out := io.StringIO()))
    assert out.getvalue() == "Nothing built: up to date.\n"
    settings.OPEN_DATA_BUILD_MINUTES = 0
    call_command("build_open_data", stdout=(out := io.StringIO()))
    assert "(the published record changed)" in out.getvalue()
    call_command("build_open_data", "--quiet", stdout=(out := io.StringIO()))
    assert out.getvalue() == ""


def test_two_builds_never_run_at_once(settings):
    cache.add(BUILD_LOCK_KEY, 1234, 60)
    call_command("build_open_data", "--force", stdout=(out := io.StringIO()))
    assert out.getvalue() == "Nothing built: another build is running.\n"
    cache.delete(BUILD_LOCK_KEY)
    call_command("build_open_data", "--force", stdout=(out := io.StringIO()))
    assert out.getvalue().startswith("Built ")
