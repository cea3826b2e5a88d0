"""The public pages in real Chromium (Debian's), driven by Playwright against a live server."""

import pytest
from django.core.management import call_command

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_site(live_server):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()


def test_visitor_finds_the_geneva_hearing_and_its_panels(seeded_site, page):
    page.goto(seeded_site + "/")
    page.get_by_role("link", name="Second informal interactive multi-stakeholder hearing").click()
    page.wait_for_url(seeded_site + SEED)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Second informal interactive multi-stakeholder hearing"
    )
    panel = page.locator("#segment-2")
    assert panel.get_by_role("heading", level=3).inner_text() == (
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery"
    )
    assert panel.locator("dt").all_inner_texts() == ["Moderator", "Panellists"]
    assert panel.locator(".person").all_inner_texts() == [
        "Mr. Ilias Chatzis",
        "Ms. Claire Falconer",
        "Ms. Kate Sheill",
        "Ms. Tuesday Reitano",
    ]
    regional = page.locator("#segment-7 .sub-discussion h4").all_inner_texts()
    assert regional == ["The Americas", "Africa and Europe", "Asia and Middle East"]


def test_visitor_switches_to_french(seeded_site, page):
    page.goto(seeded_site + SEED)
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Programme et résultats").is_visible()
    # The outcome texts exist in English only: they say so to screen readers.
    assert page.locator("#segment-2 h3").get_attribute("lang") == "en"


def test_keyboard_user_can_skip_to_the_content(seeded_site, page):
    page.goto(seeded_site + SEED)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()


def test_hearing_page_fits_a_phone_screen(seeded_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(seeded_site + SEED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
