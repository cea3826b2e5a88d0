"""A process's trail: its page, API, calendar feed, links in, and the back office inlines."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from consultations.enums import ContributionStatus, OutcomeStatus
from consultations.models import Process, ProcessDocument, ProcessPhase
from consultations.rules import current_phase
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    OutcomeFactory,
    ProcessFactory,
    SegmentFactory,
    cite_past_the_rule,
)
from stakeholders.tests.api_support import data_queries

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2017, 10, 11)


def phase(process, title, starts_on, ends_on=None):
    return ProcessPhase.objects.create(
        process=process, title=title, starts_on=starts_on, ends_on=ends_on
    )


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def published_contribution(**kwargs):
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


@pytest.fixture
def trail():
    """A process with three phases (the second under way), a document, a hearing whose outcome
    is published, one whose outcome is a draft, and a draft hearing."""
    process = ProcessFactory(title="Global compact preparations", code="GCM")
    phase(process, "Consultations", days_from_today(-300), days_from_today(-200))
    phase(process, "Stocktaking", days_from_today(-199))
    phase(process, "Negotiations", days_from_today(100), days_from_today(200))
    ProcessDocument.objects.create(
        process=process,
        title="Modalities resolution",
        symbol="A/RES/71/280",
        url="https://undocs.org/A/RES/71/280",
        issued_on=datetime.date(2017, 4, 6),
    )
    told = HearingFactory(process=process, title="Geneva hearing", date=datetime.date(2017, 10, 11))
    OutcomeFactory(hearing=told, status=OutcomeStatus.PUBLISHED)
    message = KeyMessageFactory(
        segment=SegmentFactory(hearing=told), text="Regular pathways reduce irregular migration."
    )
    message.contributions.add(published_contribution(hearing=told, title="Pathways submission"))
    cite_past_the_rule(message, ContributionFactory(hearing=told, title="Pending submission"))
    draft_outcome = HearingFactory(
        process=process, title="New York hearing", date=datetime.date(2017, 12, 4)
    )
    OutcomeFactory(hearing=draft_outcome, status=OutcomeStatus.DRAFT)
    KeyMessageFactory(segment=SegmentFactory(hearing=draft_outcome), text="Draft key message.")
    HearingFactory(process=process, title="Draft hearing", published=False)
    return process


def test_current_phase_is_the_latest_started_and_not_ended():
    process = ProcessFactory()
    first = phase(process, "First", datetime.date(2017, 1, 1), datetime.date(2017, 3, 31))
    open_ended = phase(process, "Second", datetime.date(2017, 6, 1))
    phases = [first, open_ended]
    assert current_phase(phases, datetime.date(2016, 12, 31)) is None
    assert current_phase(phases, datetime.date(2017, 3, 31)) == first
    assert current_phase(phases, datetime.date(2017, 4, 1)) is None  # between the two
    assert current_phase(phases, datetime.date(2030, 1, 1)) == open_ended
    assert current_phase([first], datetime.date(2017, 4, 1)) is None
    assert current_phase([], TODAY) is None


def test_process_page_tells_the_whole_story_and_nothing_unpublished(client, trail):
    page = client.get("/processes/GCM/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Consultations") < body.index("Stocktaking") < body.index("Negotiations")
    assert body.count('aria-current="step"') == 1
    assert '<li class="phase phase-current" aria-current="step">\n        <h3>Stocktaking' in body
    assert '<a href="https://undocs.org/A/RES/71/280">Modalities resolution</a> (A/RES/71/280)' in (
        body
    )
    assert body.index("Geneva hearing") < body.index("New York hearing")
    assert "Draft hearing" not in body
    told = trail.hearings.get(title="Geneva hearing")
    assert body.count('/outcomes/">Outcomes') == 1
    assert f'href="/hearings/{told.slug}/outcomes/">Outcomes' in body
    assert "Regular pathways reduce irregular migration." in body
    assert "Pathways submission" in body
    assert "Pending submission" not in body
    assert "Draft key message." not in body
    assert 'href="/processes/GCM.ics"' in body


def test_process_page_of_an_unknown_code_is_404(client):
    assert client.get("/processes/NOPE/").status_code == 404
    assert client.get("/processes/NOPE.ics").status_code == 404
    assert client.get("/api/v1/processes/NOPE/").status_code == 404


def test_process_page_answers_a_bare_process(client):
    ProcessFactory(code="EMPTY", title="Nothing yet")
    body = client.get("/processes/EMPTY/").content.decode()
    assert "No hearing of this process has been published yet." in body
    assert "Phases" not in body


@pytest.mark.parametrize("size", [1, 8])
def test_process_page_runs_a_fixed_number_of_queries(client, size):
    process = ProcessFactory(code="Q")
    for n in range(size):
        phase(process, f"Phase {n}", datetime.date(2017, 1, 1) + datetime.timedelta(days=30 * n))
        ProcessDocument.objects.create(process=process, title=f"Doc {n}", url="https://un.org/")
        hearing = HearingFactory(process=process)
        OutcomeFactory(hearing=hearing, status=OutcomeStatus.PUBLISHED)
        message = KeyMessageFactory(segment=SegmentFactory(hearing=hearing))
        message.contributions.add(published_contribution(hearing=hearing))
    # 1 process, 2 phases, 3 documents, 4 hearings with outcomes, 5 key messages with their
    # hearings, 6 their translations, 7 the contributions they cite
    with data_queries(7):
        assert client.get("/processes/Q/").status_code == 200


def test_api_process_detail_carries_phases_documents_and_public_hearings(client, trail):
    body = client.get("/api/v1/processes/GCM/").json()
    assert body["url"] == "http://testserver/api/v1/processes/GCM/"
    assert [p["title"] for p in body["phases"]] == ["Consultations", "Stocktaking", "Negotiations"]
    assert [p["current"] for p in body["phases"]] == [False, True, False]
    assert body["phases"][1] == {
        "title": "Stocktaking",
        "description": "",
        "starts_on": days_from_today(-199).isoformat(),
        "ends_on": None,
        "current": True,
    }
    assert body["documents"] == [
        {
            "title": "Modalities resolution",
            "url": "https://undocs.org/A/RES/71/280",
            "symbol": "A/RES/71/280",
            "issued_on": "2017-04-06",
        }
    ]
    assert [(h["title"], h["outcome_published"]) for h in body["hearings"]] == [
        ("Geneva hearing", True),
        ("New York hearing", False),
    ]
    listed = client.get("/api/v1/processes/").json()["results"][0]
    assert "phases" not in listed
    assert listed["url"] == "http://testserver/api/v1/processes/GCM/"


def test_api_process_detail_shows_staff_the_draft_hearings(client, viewer, trail):
    client.force_login(viewer)
    titles = [h["title"] for h in client.get("/api/v1/processes/GCM/").json()["hearings"]]
    assert "Draft hearing" in titles


@pytest.mark.parametrize("size", [1, 8])
def test_api_process_detail_runs_a_fixed_number_of_queries(client, size):
    process = ProcessFactory(code="Q")
    for n in range(size):
        phase(process, f"Phase {n}", datetime.date(2017, 1, 1) + datetime.timedelta(days=30 * n))
        ProcessDocument.objects.create(process=process, title=f"Doc {n}", url="https://un.org/")
        OutcomeFactory(hearing=HearingFactory(process=process))
    # 1 process, 2 phases, 3 documents, 4 hearings with their outcomes
    with data_queries(4):
        assert len(client.get("/api/v1/processes/Q/").json()["hearings"]) == size


def test_process_calendar_lists_its_published_hearings(client, trail):
    response = client.get("/processes/GCM.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Global compact preparations"
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert summaries == ["Geneva hearing", "New York hearing"]


def test_home_hearing_page_and_sitemap_link_to_the_process(client, trail):
    told = trail.hearings.get(title="Geneva hearing")
    assert 'href="/processes/GCM/"' in client.get("/").content.decode()
    assert 'href="/processes/GCM/"' in client.get(f"/hearings/{told.slug}/").content.decode()
    assert (
        "http://testserver/processes/GCM/" in client.get("/sitemap-processes.xml").content.decode()
    )
    assert "sitemap-processes.xml" in client.get("/sitemap.xml").content.decode()


def test_the_seed_process_gets_only_what_the_source_states(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    process = Process.objects.get(code="GCM")
    assert process.mandate_reference == "General Assembly resolution 71/280"
    assert list(process.phases.all()) == []
    assert list(process.documents.all()) == []
    body = client.get("/processes/GCM/").content.decode()
    assert "General Assembly resolution 71/280" in body
    assert "Second informal interactive multi-stakeholder hearing" in body


def inline_post(process, **phase_fields):
    return {
        "title": process.title,
        "slug": process.slug,
        "code": process.code,
        "mandate_reference": "",
        "description": "",
        "phases-TOTAL_FORMS": "1",
        "phases-INITIAL_FORMS": "0",
        "phases-0-title": "Stocktaking",
        "phases-0-description": "Puerto Vallarta meeting.",
        "phases-0-starts_on": "2017-12-04",
        "phases-0-ends_on": "2017-12-06",
        **phase_fields,
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-0-title": "Modalities resolution",
        "documents-0-symbol": "A/RES/71/280",
        "documents-0-url": "https://undocs.org/A/RES/71/280",
        "documents-0-issued_on": "2017-04-06",
    }


def test_editor_adds_phases_and_documents_inline(client, editor):
    process = ProcessFactory()
    client.force_login(editor)
    url = f"/admin/consultations/process/{process.pk}/change/"
    page = client.get(url).content.decode()
    assert "phases-TOTAL_FORMS" in page and "documents-TOTAL_FORMS" in page
    response = client.post(url, inline_post(process))
    assert response.status_code == 302
    assert [(p.title, p.ends_on) for p in process.phases.all()] == [
        ("Stocktaking", datetime.date(2017, 12, 6))
    ]
    assert [d.symbol for d in process.documents.all()] == ["A/RES/71/280"]


def test_a_phase_ending_before_it_starts_is_refused_with_a_sentence(client, editor):
    process = ProcessFactory()
    client.force_login(editor)
    data = inline_post(process, **{"phases-0-ends_on": "2017-12-01"})
    response = client.post(f"/admin/consultations/process/{process.pk}/change/", data)
    assert response.status_code == 200
    assert "A phase cannot end before it starts." in response.content.decode()
    assert "Puerto Vallarta meeting." in response.content.decode()
    assert process.phases.count() == 0


def test_viewer_cannot_add_phases(client, viewer):
    process = ProcessFactory()
    client.force_login(viewer)
    response = client.post(
        f"/admin/consultations/process/{process.pk}/change/", inline_post(process)
    )
    assert response.status_code == 403
    assert process.phases.count() == 0
