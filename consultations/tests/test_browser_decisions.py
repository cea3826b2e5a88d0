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
    """Neither the page nor the list's own box (the admin lets a wide table scroll inside it,
    hiding its last columns) scrolls sideways."""
    return page.evaluate(
        """() => {
            const list = document.querySelector("#changelist-form .results");
            return document.documentElement.scrollWidth <= window.innerWidth
                && (list === null || list.scrollWidth <= list.clientWidth);
        }"""
    )


# The real hearing's title, and a contribution's as long as authors write them.
HEARING_TITLE = (
    "Second informal interactive multi-stakeholder hearing of the preparatory process of the "
    "global compact for safe, orderly and regular migration"
)
LONG_TITLE = (
    "Keep families together: alternatives to immigration detention for children and their "
    "families, case management in the community, and access to justice at every border"
)


def on_one_line_cut_short(cell):
    """The cell's text is cut short (its whole width does not fit) and keeps to one line."""
    return cell.evaluate("cell => cell.scrollWidth > cell.clientWidth") and lines_of(cell) == 1


def lines_of(element):
    """How many lines the element's text takes: its words' boxes, grouped by how high they sit
    (a badge's padding lifts its box a pixel or two, not a line)."""
    return element.evaluate(
        """element => {
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            const tops = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const text = document.createRange();
                text.selectNodeContents(node);
                for (const box of text.getClientRects()) {
                    if (box.width > 0) tops.push(box.top);
                }
            }
            tops.sort((a, b) => a - b);
            return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 8).length;
        }"""
    )


def test_editor_approves_a_registration_from_its_record_at_1440(page, live_server):
    hearing = HearingFactory(title=HEARING_TITLE)
    first = RegistrationFactory(hearing=hearing, name="Amina Diallo")
    second = RegistrationFactory(hearing=hearing, name="Bruno Costa")
    page.goto(live_server.url + "/admin/consultations/registration/")
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row.locator(".status-badge")).to_have_text("Pending")
    assert first_row.locator(".status-badge").bounding_box()["x"] < 1440
    assert on_one_line_cut_short(first_row.locator("td.field-hearing"))
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
    hearing = HearingFactory(title=HEARING_TITLE)
    contribution = ContributionFactory(hearing=hearing, title=LONG_TITLE)
    ContributionFactory(hearing=hearing, title="Decent work and fair recruitment")
    page.goto(live_server.url + "/admin/consultations/contribution/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".status-badge")).to_have_text("Submitted")
    assert rows.first.locator(".status-badge").bounding_box()["x"] < 1440
    assert on_one_line_cut_short(rows.first.locator("td.field-title"))
    assert on_one_line_cut_short(rows.first.locator("td.field-hearing"))
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


def test_editor_waitlists_those_a_full_hearing_held_back_at_1440(page, live_server):
    hearing = HearingFactory(title=HEARING_TITLE, capacity=2)
    registrations = [
        RegistrationFactory(hearing=hearing, name=name)
        for name in ["Amina Diallo", "Bruno Costa", "Chen Wei", "Dina Haddad"]
    ]
    page.goto(live_server.url + "/admin/consultations/registration/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("ul.messagelist li.error")).to_contain_text(
        "2 records held back: The hearing is full: all 2 seats are taken."
    )
    assert no_sideways_scroll(page)
    shot(page, "decisions-registration-held-back-1440.png")

    page.get_by_role("button", name="Waitlist these 2").click()
    expect(page.locator(".decision-records li")).to_have_text([str(r) for r in registrations[2:]])
    page.get_by_role("button", name="Put on the waiting list").click()
    expect(page.locator("ul.messagelist li")).to_have_text(
        ["2 registrations put on the waiting list."]
    )
    stored = dict(Registration.objects.values_list("name", "status"))
    assert stored == {
        "Amina Diallo": "approved",
        "Bruno Costa": "approved",
        "Chen Wei": "waitlisted",
        "Dina Haddad": "waitlisted",
    }
