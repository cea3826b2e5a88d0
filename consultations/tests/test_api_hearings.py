"""The API's hearings, processes and segments: what the public reads, what staff write, and the
bad input that must change nothing."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from consultations.enums import ParticipationRole, SegmentKind
from consultations.models import Hearing, Participation, Process, Segment, StatusChange
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    ParticipationFactory,
    ProcessFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEED = "gcm-second-multi-stakeholder-hearing-2017"


def token_for(client, username, password):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    return {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}


def test_client_reads_the_2017_hearing_with_its_panels_and_participants(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    response = client.get(f"/api/v1/hearings/{SEED}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    hearing = response.json()
    assert hearing["url"] == f"http://testserver/api/v1/hearings/{SEED}/"
    assert hearing["slug"] == SEED
    assert hearing["title"] == "Second informal interactive multi-stakeholder hearing"
    assert hearing["date"] == "2017-10-11"
    assert hearing["process"] == "global-compact-for-migration"
    assert hearing["published"] is True
    assert [s["order"] for s in hearing["segments"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    panels = [s for s in hearing["segments"] if s["kind"] == SegmentKind.PANEL]
    assert [p["title"] for p in panels] == [
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery",
        "Irregular migration and regular pathways, including decent work, labour mobility and "
        "recognition of skills and qualifications",
        "Regional perspectives on migration",
    ]
    first_panel = panels[0]
    assert first_panel["participants"][0] == {
        "order": 1,
        "name": "Ilias Chatzis",
        "honorific": "Mr.",
        "person": "ilias-chatzis",
        "role": "moderator",
        "position": "Chief of Human Trafficking and Migrant Smuggling Section",
        "organization": "United Nations Office on Drugs & Crime",
        "organization_slug": "unodc",
    }
    assert [p["name"] for p in first_panel["participants"]] == [
        "Ilias Chatzis",
        "Claire Falconer",
        "Kate Sheill",
        "Tuesday Reitano",
    ]
    regional = panels[2]
    assert [(d["title"], d["regions"]) for d in regional["sub_discussions"]] == [
        ("The Americas", ["americas"]),
        ("Africa and Europe", ["africa", "europe"]),
        ("Asia and Middle East", ["asia"]),
    ]
    assert all(
        s["url"].startswith("http://testserver/api/v1/segments/") for s in hearing["segments"]
    )


def test_public_sees_published_hearings_only(client, viewer, stakeholder):
    HearingFactory(title="Open", slug="open")
    HearingFactory(title="Draft", slug="draft", published=False)
    assert [h["slug"] for h in client.get("/api/v1/hearings/").json()["results"]] == ["open"]
    assert client.get("/api/v1/hearings/draft/").status_code == 404
    assert client.get("/api/v1/hearings/draft/").json() == {
        "detail": "No Hearing matches the given query."
    }
    client.force_login(stakeholder)
    assert client.get("/api/v1/hearings/draft/").status_code == 404
    client.force_login(viewer)
    assert client.get("/api/v1/hearings/draft/").status_code == 200
    assert client.get("/api/v1/hearings/").json()["count"] == 2


def test_segments_of_unpublished_hearings_are_hidden(client):
    shown = SegmentFactory(hearing=HearingFactory())
    hidden = SegmentFactory(hearing=HearingFactory(published=False))
    assert [s["id"] for s in client.get("/api/v1/segments/").json()["results"]] == [shown.pk]
    assert client.get(f"/api/v1/segments/{hidden.pk}/").status_code == 404


def build_hearings(rows):
    process = ProcessFactory()
    hearings = [
        HearingFactory(process=process, date=datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
        for n in range(rows)
    ]
    newest = hearings[-1]
    segment = SegmentFactory(hearing=newest)
    ParticipationFactory(segment=segment, order=1)
    KeyMessageFactory(segment=segment, order=1)
    sub = SubDiscussionFactory(segment=segment, order=1)
    ParticipationFactory(segment=None, sub_discussion=sub, order=1)


@pytest.mark.parametrize("rows", [5, 500])
def test_hearing_list_runs_a_fixed_number_of_queries(client, rows):
    build_hearings(rows)
    # 1 count, 2 hearings with process and supporting organization, 3 segments, 4 their roles
    # with people and organizations, 5 floor interventions, 6 sub-discussions, 7 their roles,
    # 8 their interventions, 9 key messages
    with data_queries(9):
        response = client.get("/api/v1/hearings/?page_size=100")
    body = response.json()
    assert body["count"] == rows
    assert len(body["results"]) == min(rows, 100)
    assert len(body["results"][0]["segments"][0]["sub_discussions"][0]["participants"]) == 1


@pytest.mark.parametrize("rows", [5, 500])
def test_segment_and_process_lists_run_a_fixed_number_of_queries(client, rows):
    hearing = HearingFactory()
    for order in range(1, rows + 1):
        ParticipationFactory(segment=SegmentFactory(hearing=hearing, order=order), order=1)
    ProcessFactory.create_batch(rows)
    # 1 count, 2 segments with hearing, 3 roles, 4 interventions, 5 sub-discussions (none, so
    # their own prefetches are skipped), 6 key messages
    with data_queries(6):
        assert client.get("/api/v1/segments/").json()["count"] == rows
    # 1 count, 2 processes
    with data_queries(2):
        assert client.get("/api/v1/processes/").json()["count"] == rows + 1


def test_hearings_filter_by_process_and_year_search_and_order(client):
    gcm = ProcessFactory(slug="gcm")
    HearingFactory(process=gcm, slug="a", title="Alpha", date=datetime.date(2017, 10, 11))
    HearingFactory(process=gcm, slug="b", title="Beta", date=datetime.date(2018, 5, 1))
    HearingFactory(slug="c", title="Gamma", date=datetime.date(2017, 3, 1))

    def slugs(query):
        return [h["slug"] for h in client.get(f"/api/v1/hearings/?{query}").json()["results"]]

    assert slugs("process=gcm") == ["b", "a"]
    assert slugs("year=2017") == ["a", "c"]
    assert slugs("q=gamm") == ["c"]
    assert slugs("ordering=title") == ["a", "b", "c"]
    assert slugs("ordering=-date") == ["b", "a", "c"]


def test_unknown_ordering_page_size_and_page_are_answered_in_json(client):
    OrganizationFactory.create_batch(3)
    HearingFactory()
    response = client.get("/api/v1/hearings/?ordering=organizer")
    assert response.status_code == 400
    assert response.json() == {
        "ordering": ["“organizer” is not a field the list can be ordered by."]
    }
    assert client.get("/api/v1/hearings/?ordering=-nonsense,title").status_code == 400
    response = client.get("/api/v1/hearings/?page=-1")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}
    assert client.get("/api/v1/hearings/?page=abc").status_code == 404


def test_page_size_is_capped_at_one_hundred(client):
    ProcessFactory.create_batch(120)
    body = client.get("/api/v1/processes/?page_size=100000").json()
    assert body["count"] == 120
    assert len(body["results"]) == 100
    assert body["next"] == "http://testserver/api/v1/processes/?page=2&page_size=100000"
    assert body["previous"] is None
    assert len(client.get("/api/v1/processes/?page_size=7").json()["results"]) == 7


def test_hearing_list_as_csv(client):
    HearingFactory(slug="geneva", title='=HYPERLINK("http://evil")', capacity=40)
    response = client.get("/api/v1/hearings/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hearing.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:4] == ["url", "slug", "title", "process"]
    assert "segments" not in lines[0]
    assert lines[1].startswith(
        'http://testserver/api/v1/hearings/geneva/?format=csv,geneva,"\'=HYPERLINK(""http://evil"")"'
    )
    assert len(lines) == 2


def test_lists_and_details_answer_conditional_gets(client):
    HearingFactory(slug="geneva")
    for url in ["/api/v1/hearings/", "/api/v1/hearings/geneva/"]:
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
    Hearing.objects.filter(slug="geneva").update(title="Renamed")
    assert client.get("/api/v1/hearings/geneva/", HTTP_IF_NONE_MATCH=etag).status_code == 200


@override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
)
def test_anonymous_clients_are_throttled_staff_are_not(client, editor):
    for _n in range(3):
        assert client.get("/api/v1/processes/").status_code == 200
    response = client.get("/api/v1/processes/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    client.force_login(editor)
    assert client.get("/api/v1/processes/").status_code == 200


def hearing_payload(of_process, **changes):
    return {
        "slug": "gcm-third-hearing-2018",
        "title": "Third informal interactive multi-stakeholder hearing",
        "process": of_process.slug,
        "date": "2018-03-01",
        "venue": "Conference Room 4",
        "city": "New York",
        "country": "US",
        "time_zone": "America/New_York",
        "organizer": "The President of the General Assembly",
        "capacity": 300,
        "registration_opens": "2018-01-01T09:00:00-05:00",
        "registration_closes": "2018-02-01T17:00:00-05:00",
        "contributions_open": None,
        "contributions_close": None,
        "published": True,
        **changes,
    }


def test_staff_create_a_hearing_with_segments_and_participants_with_a_token(client, editor):
    process = ProcessFactory(slug="gcm")
    moderator = PersonFactory(slug="ana", name="Ana Ruiz", position="Director")
    PersonFactory(slug="ben", name="Ben Ode")
    iom = OrganizationFactory(slug="iom", name="International Organization for Migration")
    auth = token_for(client, "editor", "pw-editor-1")

    response = client.post(
        "/api/v1/hearings/", hearing_payload(process), content_type="application/json", **auth
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["url"] == "http://testserver/api/v1/hearings/gcm-third-hearing-2018/"
    assert created["registration_opens"] == "2018-01-01T14:00:00Z"
    assert created["contributions_open"] is None
    assert created["segments"] == []

    segment = {
        "hearing": "gcm-third-hearing-2018",
        "order": 1,
        "kind": "panel",
        "title": "Climate and migration",
        "participants": [
            {"person": "ana", "role": "moderator"},
            {
                "person": "ben",
                "role": "panellist",
                "position": "Researcher",
                "organization_slug": "iom",
            },
        ],
    }
    response = client.post("/api/v1/segments/", segment, content_type="application/json", **auth)
    assert response.status_code == 201, response.json()
    assert [
        (p["order"], p["name"], p["role"], p["position"], p["organization"])
        for p in response.json()["participants"]
    ] == [
        (1, "Ana Ruiz", "moderator", "Director", moderator.organization.name),
        (2, "Ben Ode", "panellist", "Researcher", "International Organization for Migration"),
    ]

    client.logout()
    hearing = client.get("/api/v1/hearings/gcm-third-hearing-2018/").json()
    assert [s["title"] for s in hearing["segments"]] == ["Climate and migration"]
    assert [p["name"] for p in hearing["segments"][0]["participants"]] == ["Ana Ruiz", "Ben Ode"]
    saved = Hearing.objects.get(slug="gcm-third-hearing-2018")
    # Created as a draft, then published through the service, by the token's owner.
    assert list(saved.history.values_list("published", flat=True)) == [True, False]
    assert list(
        StatusChange.objects.filter(hearing=saved).values_list(
            "previous_status", "new_status", "changed_by"
        )
    ) == [("draft", "published", editor.pk)]
    assert saved.published_by == editor
    assert Participation.objects.filter(segment__hearing=saved, organization=iom).count() == 1


def test_staff_replace_a_segments_participants(client, editor):
    segment = SegmentFactory()
    ParticipationFactory(segment=segment, order=1)
    person = PersonFactory(slug="zoe")
    client.force_login(editor)
    response = client.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"participants": [{"person": "zoe", "role": "chair"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert [(p.person, p.role, p.order) for p in segment.participations.all()] == [
        (person, ParticipationRole.CHAIR, 1)
    ]


def test_a_refused_participant_undoes_the_whole_segment(client, editor):
    hearing = HearingFactory()
    PersonFactory(slug="ana")
    client.force_login(editor)
    response = client.post(
        "/api/v1/segments/",
        {
            "hearing": hearing.slug,
            "order": 1,
            "kind": "panel",
            "title": "Panel",
            "participants": [
                {"person": "ana", "role": "moderator", "order": 1},
                {"person": "ana", "role": "panellist", "order": 1},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "participants": [{}, {"non_field_errors": ["This place in the segment is already taken."]}]
    }
    assert Segment.objects.count() == 0
    assert Participation.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"status": "past"},
            {"status": ["This field is set by the server and cannot be written."]},
        ),
        ({"url": "http://x/"}, {"url": ["This field is set by the server and cannot be written."]}),
        ({"colour": "blue"}, {"colour": ["This field does not exist."]}),
        ({"capacity": "many"}, {"capacity": ["A valid integer is required."]}),
        (
            {"capacity": 0},
            {
                "non_field_errors": [
                    "Capacity must be at least one seat; leave it empty for no limit."
                ]
            },
        ),
        (
            {"date": "11/10/2017"},
            {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"time_zone": "Mars/Olympus"},
            {
                "time_zone": [
                    "“Mars/Olympus” is not a time zone name such as Europe/Zurich or America/New_York."
                ]
            },
        ),
        (
            {"registration_closes": "2017-12-01T00:00:00Z"},
            {"non_field_errors": ["Registration must open before it closes."]},
        ),
        (
            {"process": "no-such-process"},
            {"process": ["Object with slug=no-such-process does not exist."]},
        ),
    ],
)
def test_bad_hearing_writes_are_refused_and_change_nothing(client, editor, changes, errors):
    process = ProcessFactory()
    client.force_login(editor)
    response = client.post(
        "/api/v1/hearings/", hearing_payload(process, **changes), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert Hearing.objects.count() == 0


def test_malformed_json_and_wrong_content_type_are_refused(client, editor):
    client.force_login(editor)
    response = client.post("/api/v1/hearings/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    response = client.post(
        "/api/v1/hearings/", "title=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }
    response = client.post("/api/v1/hearings/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert Hearing.objects.count() == 0


def test_staff_update_ignores_nothing_and_keeps_status_read_only(client, editor):
    hearing = HearingFactory(slug="geneva", title="Old")
    client.force_login(editor)
    response = client.patch(
        "/api/v1/hearings/geneva/",
        {"title": "New", "status": "past"},
        content_type="application/json",
    )
    assert response.status_code == 400
    hearing.refresh_from_db()
    assert hearing.title == "Old"
    response = client.patch(
        "/api/v1/hearings/geneva/", {"title": "New"}, content_type="application/json"
    )
    assert response.status_code == 200
    hearing.refresh_from_db()
    assert hearing.title == "New"


def test_writes_need_staff_with_the_model_permission(client, viewer, stakeholder):
    process = ProcessFactory()
    HearingFactory(slug="geneva")
    payload = hearing_payload(process)
    response = client.post("/api/v1/hearings/", payload, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert client.delete("/api/v1/hearings/geneva/").status_code == 401
    for user in (stakeholder, viewer):
        client.force_login(user)
        response = client.post("/api/v1/hearings/", payload, content_type="application/json")
        assert response.status_code == 403
        assert (
            client.patch(
                "/api/v1/hearings/geneva/", {"title": "x"}, content_type="application/json"
            ).status_code
            == 403
        )
    assert Hearing.objects.count() == 1
    assert Hearing.objects.get().title != "x"


def test_session_writes_need_the_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    process = ProcessFactory()
    response = client.post(
        "/api/v1/hearings/", hearing_payload(process), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
    assert Hearing.objects.count() == 0


def test_a_hearing_others_refer_to_cannot_be_deleted(client, editor):
    hearing = HearingFactory(slug="geneva")
    ContributionFactory(hearing=hearing)
    client.force_login(editor)
    response = client.delete("/api/v1/hearings/geneva/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Other records still refer to this one, so it cannot be deleted."
    }
    assert Hearing.objects.filter(slug="geneva").exists()


def test_token_is_refused_for_wrong_credentials(client, editor):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "editor", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_writing_published_publishes_and_withdraws_through_the_service(client, editor):
    """The API's `published` is the back office's buttons: each move is stamped and logged as
    the writer's; a write that leaves it as it is, or names other fields, moves nothing."""
    hearing = HearingFactory(slug="geneva", published=False)
    client.force_login(editor)
    url = "/api/v1/hearings/geneva/"
    response = client.patch(url, {"published": True}, content_type="application/json")
    assert response.status_code == 200, response.json()
    hearing.refresh_from_db()
    assert (hearing.published, hearing.published_by) == (True, editor)
    assert response.json()["published"] is True
    assert response.json()["published_at"] == hearing.published_at.isoformat().replace(
        "+00:00", "Z"
    )
    for unchanged in [{"published": True}, {"title": "Renamed"}]:
        response = client.patch(url, unchanged, content_type="application/json")
        assert response.status_code == 200
    response = client.patch(url, {"published": False}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["published_at"] is None
    hearing.refresh_from_db()
    assert (hearing.title, hearing.published, hearing.published_by) == ("Renamed", False, None)
    assert list(
        StatusChange.objects.filter(hearing=hearing)
        .order_by("pk")
        .values_list("previous_status", "new_status", "changed_by")
    ) == [("draft", "published", editor.pk), ("published", "draft", editor.pk)]
    response = client.patch(url, {"published_at": None}, content_type="application/json")
    assert response.json() == {
        "published_at": ["This field is set by the server and cannot be written."]
    }


def test_a_hearing_created_without_published_is_a_draft(client, editor):
    client.force_login(editor)
    payload = hearing_payload(ProcessFactory())
    del payload["published"]
    response = client.post("/api/v1/hearings/", payload, content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["published"], response.json()["published_at"]) == (False, None)
    assert StatusChange.objects.count() == 0


@pytest.mark.parametrize("code", ["A/B", "A.B"])
def test_a_process_code_that_would_break_links_is_refused_clearly(client, editor, code):
    client.force_login(editor)
    response = client.post(
        "/api/v1/processes/",
        {"slug": "p", "code": code, "title": "Process", "description": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == [
        "A code holds letters and digits only, e.g. GCM: it starts every contribution reference "
        "and the process's address."
    ]
    assert not Process.objects.filter(slug="p").exists()
