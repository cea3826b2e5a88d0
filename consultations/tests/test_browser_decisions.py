"""Deciding in real Chromium at 1440x900, as an editor: a registration approved from its own
page, then a contribution published from the queue. Screenshots of the lists and the record go
to test-results/, to be looked at: the status must show without scrolling sideways."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from consultations.models import Contribution, Registration
from consultations.roles import EDITORS, sync_role_groups
from consultations.tests.factories import ContributionFactory, HearingFactory, RegistrationFactory

RESULTS = Path(settings.BASE_DIR) / "test-results"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, settings, django_user_model):
    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    sync_role_groups()
    editor = django_user_model.objects.create_user("editor", password="pw-editor-1", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    context = browser.new_context(locale="en-GB", viewport={"width": 1440, "height": 900})
    # The machine may be busy: a slow answer is not what these tests are about.
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw-editor-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")
    yield page
    context.close()


def shot(page, name):
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / name))
    assert (RESULTS / name).stat().st_size > 10_000


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_editor_approves_a_registration_from_its_record_at_1440(page, live_server):
    hearing = HearingFactory(title="Second informal interactive multi-stakeholder hearing")
    first = RegistrationFactory(hearing=hearing, name="Amina Diallo")
    second = RegistrationFactory(hearing=hearing, name="Bruno Costa")
    page.goto(live_server.url + "/admin/consultations/registration/")
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row.locator(".status-badge")).to_have_text("Pending")
    assert first_row.locator(".status-badge").bounding_box()["x"] < 1440
    assert no_sideways_scroll(page)
    shot(page, "decisions-registration-list-1440.png")

    first_row.get_by_role("link", name="Amina Diallo").click()
    expect(page.locator(".decision-status .status-badge")).to_have_text("Pending")
    shot(page, "decisions-registration-record-1440.png")
    page.locator(".decision-buttons").get_by_role("link", name="Approve").click()
    expect(page.locator(".decision-records li")).to_have_text([str(first)])
    page.get_by_label("Reason (optional)").fill("Accredited NGO.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("ul.messagelist li")).to_have_text(["1 registration approved."])
    expect(page.locator(".decision-status .status-badge")).to_have_text("Approved")
    assert Registration.objects.get(pk=first.pk).status == "approved"

    page.locator(".decision-buttons").get_by_role("link", name="Next in queue").click()
    expect(page.locator("#id_name")).to_have_value(second.name)


def test_editor_publishes_a_contribution_from_the_queue_at_1440(page, live_server):
    hearing = HearingFactory(title="Second informal interactive multi-stakeholder hearing")
    contribution = ContributionFactory(
        hearing=hearing,
        title="Keep families together: alternatives to immigration detention for children",
    )
    ContributionFactory(hearing=hearing, title="Decent work and fair recruitment")
    page.goto(live_server.url + "/admin/consultations/contribution/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".status-badge")).to_have_text("Submitted")
    assert no_sideways_scroll(page)
    shot(page, "decisions-contribution-queue-1440.png")

    rows.first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".decision-records li")).to_have_text([str(contribution)])
    shot(page, "decisions-contribution-confirm-1440.png")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("ul.messagelist li")).to_have_text(["1 contribution published."])
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert Contribution.objects.get(pk=contribution.pk).status == "published"
