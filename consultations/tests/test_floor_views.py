"""The live page, the chair's console, the registrant's request from their status page, and
the speakers' API, for each persona."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.badges import badge_token
from consultations.enums import SpeakerState
from consultations.models import SpeakerRequest
from consultations.submission_views import registration_status_path
from consultations.tests.factories import HearingFactory
from consultations.tests.floor_support import approved
from stakeholders.tests.api_support import data_queries

pytestmark = pytest.mark.django_db


def live_url(floor_segment, **query):
    url = reverse("consultations:live", args=[floor_segment.hearing.slug])
    return url + ("?display=1" if query.get("display") else "")


def console_url(floor_segment):
    return reverse(
        "consultations:floor_console", args=[floor_segment.hearing.slug, floor_segment.order]
    )


def test_live_page_shows_speaker_and_next_without_javascript(client, floor_segment):
    services.request_floor(approved(floor_segment, "Amina"), floor_segment)
    services.request_floor(approved(floor_segment, "Bruno", listed_publicly=False), floor_segment)
    services.give_floor(floor_segment.floor_list)
    response = client.get(live_url(floor_segment))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert "Amina" in html
    assert "Bruno&#39;s organization" in html  # markupsafe's &#39; for Django's &#x27;
    assert "Bruno</span>" not in html
    assert "A participant" in html
    seconds_left = int(re.search(r"(\d+) seconds left", html).group(1))
    assert 150 < seconds_left <= 180
    assert "floor-display" not in html
    assert "floor-display" in client.get(live_url(floor_segment, display=True)).content.decode()


@pytest.mark.parametrize(("days", "linked"), [(0, True), (1, False), (-1, False)])
def test_the_hearing_page_links_to_the_live_page_on_the_day(client, days, linked):
    hearing = HearingFactory()
    # The day at the venue, as the page judges it.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(hearing.time_zone))
    hearing.date = today + datetime.timedelta(days=days)
    hearing.save()
    page = client.get(hearing.get_absolute_url()).content.decode()
    live = reverse("consultations:live", args=[hearing.slug])
    assert (f'href="{live}"' in page) is linked


def test_live_page_of_unpublished_hearing_is_404_for_the_public(client, viewer, floor_segment):
    floor_segment.hearing.published = False
    floor_segment.hearing.save()
    assert client.get(live_url(floor_segment)).status_code == 404
    client.force_login(viewer)
    assert client.get(live_url(floor_segment)).status_code == 200


def test_live_page_queries_do_not_grow_with_the_queue(client, floor_segment):
    services.request_floor(approved(floor_segment, "Amina"), floor_segment)
    # 1 the hearing, 2 the current list, 3 its queue.
    with data_queries(3):
        client.get(live_url(floor_segment))
    for name in ["Bruno", "Chen", "Dana", "Emeka"]:
        services.request_floor(approved(floor_segment, name), floor_segment)
    with data_queries(3):
        client.get(live_url(floor_segment))


def test_console_personas(client, floor_segment, viewer, stakeholder, editor):
    url = console_url(floor_segment)
    assert client.get(url).status_code == 302
    client.force_login(stakeholder)
    assert client.get(url).status_code == 403
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "close"}).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 200
    panel = floor_segment.hearing.segments.create(order=1, kind="panel", title="Panel")
    panel_url = reverse(
        "consultations:floor_console", args=[floor_segment.hearing.slug, panel.order]
    )
    assert client.get(panel_url).status_code == 404


def test_console_drives_the_list_through_the_services(client, editor, floor_segment):
    amina, bruno = approved(floor_segment, "Amina"), approved(floor_segment, "Bruno")
    client.force_login(editor)
    url = console_url(floor_segment)
    found = client.get(url, {"q": "amin"}).content.decode()
    assert "Amina" in found
    assert "Add to the queue" in found
    for registration in (amina, bruno):
        response = client.post(url, {"action": "add", "registration": registration.pk})
        assert response.status_code == 302
    second = SpeakerRequest.objects.get(registration=bruno)
    client.post(url, {"action": "up", "request": second.pk})
    client.post(url, {"action": "give"})
    assert SpeakerRequest.objects.get(state=SpeakerState.SPEAKING).registration == bruno
    page = client.get(url).content.decode()
    assert "Balance so far" in page
    assert "Not stated: 1 of 1 speakers" in page
    client.post(url, {"action": "limit", "minutes": "2.5"})
    assert SpeakerRequest.objects.get(registration=amina).limit_seconds == 150


@pytest.mark.parametrize("how", ["badge", "reference", "number", "name", "organization"])
def test_console_finds_a_registrant_by_badge_reference_or_name(client, editor, floor_segment, how):
    amina, bruno = approved(floor_segment, "Amina Diallo"), approved(floor_segment, "Bruno Keller")
    query = {
        "badge": badge_token(amina),
        "reference": amina.reference,
        "number": str(amina.pk),
        "name": "diallo",
        "organization": amina.organization.name,
    }[how]
    client.force_login(editor)
    found = client.get(console_url(floor_segment), {"q": query}).content.decode()
    assert f'name="registration" value="{amina.pk}"' in found
    assert f'name="registration" value="{bruno.pk}"' not in found


@pytest.mark.parametrize(
    "data",
    [
        {"action": "limit", "minutes": "three"},
        {"action": "limit", "minutes": "0"},
        {"action": "give", "request": "x"},
        {"action": "skip"},
        {"action": "explode"},
        {"action": "add", "registration": "999999"},
        {"action": "finish"},
    ],
)
def test_console_bad_input_is_shown_not_a_500(client, editor, floor_segment, data):
    client.force_login(editor)
    response = client.post(console_url(floor_segment), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_registrant_asks_and_withdraws_from_status_page(client, floor_segment):
    amina = approved(floor_segment, "Amina")
    services.floor_list_for(floor_segment)
    url = registration_status_path(amina)
    assert "Ask for the floor" in client.get(url).content.decode()
    assert client.post(url, {"action": "ask_floor"}).status_code == 302
    request = SpeakerRequest.objects.get(registration=amina)
    assert request.state == SpeakerState.WAITING
    assert "You are on the speakers" in client.get(url).content.decode()
    client.post(url, {"action": "withdraw_floor"})
    request.refresh_from_db()
    assert request.state == SpeakerState.WITHDRAWN


def test_cancelled_registrant_gets_no_floor_button(client, floor_segment):
    amina = approved(floor_segment, "Amina", status="cancelled")
    services.floor_list_for(floor_segment)
    url = registration_status_path(amina)
    assert "Ask for the floor" not in client.get(url).content.decode()
    client.post(url, {"action": "ask_floor"})
    assert not SpeakerRequest.objects.exists()


def api_url(floor_segment):
    return reverse("api:speakers", args=[floor_segment.hearing.slug])


def test_api_public_state_and_staff_actions(client, editor, viewer, floor_segment):
    amina = approved(floor_segment, "Amina")
    services.request_floor(amina, floor_segment)
    state = client.get(api_url(floor_segment)).json()
    assert [s["name"] for s in state["waiting"]] == ["Amina"]
    assert "queue" not in state
    assert client.post(api_url(floor_segment), {"action": "give"}).status_code == 401
    client.force_login(viewer)
    assert client.post(api_url(floor_segment), {"action": "give"}).status_code == 403
    client.force_login(editor)
    response = client.post(
        api_url(floor_segment),
        {"action": "give", "segment": floor_segment.order},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["speaking"]["name"] == "Amina"
    assert response.json()["queue"][0]["state"] == "speaking"
    again = client.post(api_url(floor_segment), {"action": "give"}, content_type="application/json")
    assert again.status_code == 409
    bad = client.post(api_url(floor_segment), {"action": "dance"}, content_type="application/json")
    assert bad.status_code == 400


def test_api_unpublished_hearing_is_404(client, floor_segment):
    floor_segment.hearing.published = False
    floor_segment.hearing.save()
    assert client.get(api_url(floor_segment)).status_code == 404
