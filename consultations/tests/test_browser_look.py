"""The look of the public pages in real Chromium: a screenshot of each at 1280 and 375 px in
test-results/ (for a person to look at), and the layout faults an outside review found, measured
so that they cannot come back unseen."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import Hearing
from consultations.tests.test_browser import RESULTS, SEED, publish_contributions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "hearing": SEED,
    "outcomes": SEED + "outcomes/",
    "statistics": SEED + "statistics/",
    "participants": SEED + "participants/",
    "contributions": "/contributions/",
    "registration-form": SEED + "register/",
    "contribution-form": SEED + "contribute/",
}


@pytest.fixture
def site(live_server):
    """The seed hearing with its registration and contribution windows open, so that the home
    page shows them and both forms can be filled in, and two published contributions."""
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    now = timezone.now()
    Hearing.objects.filter(slug=SEED.split("/")[2]).update(
        registration_opens=now - datetime.timedelta(days=1),
        registration_closes=now + datetime.timedelta(days=20),
        contributions_open=now - datetime.timedelta(days=1),
        contributions_close=now + datetime.timedelta(days=20),
    )
    publish_contributions()
    return live_server.url


def box(locator):
    return locator.bounding_box()


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_the_public_pages_at_desktop_and_phone_widths(site, browser, width):
    RESULTS.mkdir(exist_ok=True)
    context = browser.new_context(
        locale="en-GB", viewport={"width": width, "height": 900}, is_mobile=width < 1000
    )
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        shot = RESULTS / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000, name
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_page_starts_well_below_the_navigation(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in ["/", SEED, "/contributions/"]:
        page.goto(site + path)
        navigation = box(page.locator(".site-nav"))
        first = box(page.locator("main > :first-child"))
        assert first["y"] - (navigation["y"] + navigation["height"]) >= 24, path
    context.close()


def test_registration_window_is_never_broken_around_its_button_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/")
    window = page.locator(".window-open").first
    button, sentence = box(window.locator(".button")), box(window.locator(".meta"))
    assert window.locator(".meta").inner_text().startswith("Registration is open until")
    # The sentence is a block of its own, beside the button or wholly under it.
    assert (
        sentence["x"] >= button["x"] + button["width"]
        or sentence["y"] >= button["y"] + button["height"]
    )
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_contribution_filters_line_up(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + "/contributions/")
    rows = {}
    for control in page.locator(".filters select, .filters input, .filters button").all():
        place = box(control)
        rows.setdefault(round(place["y"]), set()).add(round(place["y"] + place["height"]))
    assert len(rows) >= 1
    assert all(len(bottoms) == 1 for bottoms in rows.values()), rows
    context.close()


def test_error_summary_takes_the_focus_and_its_links_reach_the_fields(site, browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(site + SEED + "register/")
    page.get_by_label("Full name").fill("Amina Diallo")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    links = page.locator("#form-errors a")
    assert links.all_inner_texts() == [
        "Email: This field is required.",
        "Stakeholder category: This field is required.",
        "Organization: This field is required.",
        "Country: This field is required.",
        "Please accept the privacy notice to register.",
    ]
    links.nth(3).click()
    assert page.evaluate("document.activeElement.id") == "id_country"
    assert page.get_by_label("Full name").input_value() == "Amina Diallo"
    context.close()
