"""The back office in real Chromium at 1440x900: the dashboard, and the programme page put in
order by its buttons and by dragging; the time-zone note said once. Screenshots go to
test-results/ for a person to look at."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from consultations.enums import ParticipationRole, RegistrationStatus
from consultations.models import Registration, Segment
from consultations.services import decide_registration
from consultations.tests.factories import (
    HearingFactory,
    ParticipationFactory,
    RegistrationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = Path(settings.BASE_DIR) / "test-results"


@pytest.fixture
def page(browser, live_server, settings, editor):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    # A browser six hours behind the server, as the reviewer's was.
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1440, "height": 900}, timezone_id="America/Chicago"
    )
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-editor-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")
    yield page
    context.close()


def titles():
    return list(Segment.objects.order_by("order").values_list("title", flat=True))


def test_programme_page_orders_by_button_and_by_dragging(page, live_server, editor):
    RESULTS.mkdir(exist_ok=True)
    hearing = HearingFactory(
        title="Second informal multi-stakeholder hearing", date=datetime.date(2031, 10, 11)
    )
    opening = SegmentFactory(hearing=hearing, order=1, title="Opening segment", kind="opening")
    panel = SegmentFactory(hearing=hearing, order=2, title="Panel 1: Human rights of migrants")
    SegmentFactory(hearing=hearing, order=3, title="Closing segment", kind="closing")
    ParticipationFactory(
        segment=opening, person__name="H.E. Mr. Miroslav Lajčák", role=ParticipationRole.CHAIR
    )
    for order, region in enumerate(["Africa", "Americas", "Asia-Pacific"], start=1):
        sub = SubDiscussionFactory(
            segment=panel, order=order, title=f"Regional discussion: {region}"
        )
        ParticipationFactory(segment=None, sub_discussion=sub, role=ParticipationRole.MODERATOR)
    ParticipationFactory(segment=panel, role=ParticipationRole.PANELLIST)

    page.goto(live_server.url + f"/admin/consultations/hearing/{hearing.pk}/programme/")
    page.screenshot(path=RESULTS / "backoffice-programme.png", full_page=True)

    # Without the script's help: the closing segment's "up" button, reached by the keyboard.
    page.get_by_role("button", name="Move “Closing segment” up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("ul.messagelist li")).to_have_text(
        ["The new order of the programme is saved."]
    )
    assert titles() == ["Opening segment", "Closing segment", "Panel 1: Human rights of migrants"]

    # Dragging the panel by its handle above the opening segment.
    handle = page.locator(f"#segment-{panel.pk} > .programme-row > .drag-handle")
    handle.drag_to(
        page.locator(f"#segment-{opening.pk} > .programme-row"), target_position={"x": 200, "y": 2}
    )
    expect(page.locator("ul.messagelist li")).to_have_text(
        ["The new order of the programme is saved."]
    )
    assert titles() == ["Panel 1: Human rights of migrants", "Opening segment", "Closing segment"]
    page.screenshot(path=RESULTS / "backoffice-programme-reordered.png", full_page=True)


def test_dashboard_and_the_time_zone_note_said_once(page, live_server, editor):
    RESULTS.mkdir(exist_ok=True)
    hearing = HearingFactory(
        title="Second informal multi-stakeholder hearing",
        date=datetime.date(2031, 10, 11),
        time_zone="Europe/Zurich",
        capacity=300,
        registration_opens=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        registration_closes=datetime.datetime(2031, 9, 30, 16, tzinfo=datetime.UTC),
    )
    for i in range(3):
        RegistrationFactory(hearing=hearing, name=f"Registrant {i}")
    decide_registration(Registration.objects.first(), RegistrationStatus.APPROVED, by=editor)
    decide_registration(Registration.objects.last(), RegistrationStatus.WAITLISTED, by=editor)
    page.goto(live_server.url + "/admin/")
    expect(page.locator("#recent-decisions-module li")).to_have_count(2)
    expect(page.locator(".work-section caption").first).to_have_text("Decisions of the day")
    page.screenshot(path=RESULTS / "backoffice-dashboard.png", full_page=True)

    page.goto(live_server.url + f"/admin/consultations/hearing/{hearing.pk}/change/")
    page.wait_for_load_state("load")
    expect(page.locator(".timezonewarning")).to_have_count(1)
