"""The public pages in real Chromium (Debian's), driven by Playwright against a live server."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Hearing
from consultations.tests.factories import ContributionFactory
from stakeholders.enums import StakeholderCategory

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/"
RESULTS = Path(settings.BASE_DIR) / "test-results"

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


def publish_contributions():
    hearing = Hearing.objects.get(slug=SEED.split("/")[2])
    now = timezone.now()
    ContributionFactory(
        hearing=hearing,
        title="Decent work and fair recruitment",
        body="Unions ask for **fair recruitment**.",
        category=StakeholderCategory.TRADE_UNION,
        status=ContributionStatus.PUBLISHED,
        published_at=now,
    )
    ContributionFactory(
        hearing=hearing,
        title="Children on the move",
        body="Protect every child in transit.",
        status=ContributionStatus.PUBLISHED,
        published_at=now,
    )


def test_visitor_finds_the_geneva_hearing_then_a_moderator_and_their_organization(
    seeded_site, page
):
    page.goto(seeded_site + "/")
    page.get_by_role(
        "link", name="Second informal interactive multi-stakeholder hearing", exact=True
    ).click()
    page.wait_for_url(seeded_site + SEED)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Second informal interactive multi-stakeholder hearing"
    )
    panel = page.locator("#segment-2")
    assert panel.get_by_role("heading", level=3).inner_text() == (
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery"
    )
    # The words, not the capitals the stylesheet shows them in.
    assert panel.locator("dt").all_text_contents() == ["Moderator", "Panellists"]
    assert panel.locator(".person").all_inner_texts() == [
        "Mr. Ilias Chatzis",
        "Ms. Claire Falconer",
        "Ms. Kate Sheill",
        "Ms. Tuesday Reitano",
    ]
    regional = page.locator("#segment-7 .sub-discussion h4").all_inner_texts()
    assert regional == ["The Americas", "Africa and Europe", "Asia and Middle East"]

    panel.get_by_role("link", name="Mr. Ilias Chatzis").click()
    page.wait_for_url(seeded_site + "/people/ilias-chatzis/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mr. Ilias Chatzis"
    assert "Moderator" in page.locator("main").inner_text()
    page.get_by_role("link", name="United Nations Office on Drugs & Crime").first.click()
    page.wait_for_url(seeded_site + "/stakeholders/unodc/")
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("United Nations Office on Drugs & Crime")
    )


def test_outcomes_print_to_a_pdf_holding_the_panel_titles(seeded_site, page, tmp_path):
    page.goto(seeded_site + SEED + "outcomes/")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    pdf = tmp_path / "outcomes.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        missing = "pdftotext is missing: apt-get install poppler-utils"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    for title in [
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery",
        "Regional perspectives on migration",
        "Asia and Middle East",
    ]:
        assert title in text, title
    assert "Skip to content" not in text


def test_visitor_switches_to_french_then_to_spanish(seeded_site, page):
    page.goto(seeded_site + SEED)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    page.wait_for_url(seeded_site + SEED)
    assert page.locator("html").get_attribute("lang") == "fr"
    # Django's own catalogue: the date of the hearing in French.
    assert "11 octobre 2017" in page.locator(".facts").inner_text()
    assert page.get_by_role("heading", name="Programme et résultats").is_visible()
    # The outcome texts exist in English only: they say so to screen readers.
    assert page.locator("#segment-2 h3").get_attribute("lang") == "en"

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="Español").click()
    page.wait_for_url(seeded_site + SEED)
    assert page.locator("html").get_attribute("lang") == "es"
    assert "11 de octubre de 2017" in page.locator(".facts").inner_text()
    assert page.get_by_role("heading", name="Programa y resultados").is_visible()
    assert page.locator('a[hreflang="es"]').get_attribute("aria-current") == "true"


def test_visitor_filters_contributions_by_category_and_searches(seeded_site, page):
    publish_contributions()
    page.goto(seeded_site + "/contributions/")
    cards = page.locator(".contribution-card h3")
    assert sorted(cards.all_inner_texts()) == [
        "Children on the move",
        "Decent work and fair recruitment",
    ]
    page.get_by_label("Stakeholder category").select_option("trade_union")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/contributions/?*category=trade_union*")
    assert cards.all_inner_texts() == ["Decent work and fair recruitment"]

    page.get_by_label("Stakeholder category").select_option("")
    page.get_by_role("searchbox", name="Search").fill("child")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contributions/?*q=child*")
    assert cards.all_inner_texts() == ["Children on the move"]
    cards.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Children on the move"


def test_phone_screenshots_of_the_hearing_and_statistics_pages(seeded_site, browser):
    RESULTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    for url, name in [(SEED, "hearing-375.png"), (SEED + "statistics/", "statistics-375.png")]:
        page.goto(seeded_site + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(RESULTS / name), full_page=True)
        assert (RESULTS / name).stat().st_size > 10_000
    context.close()


@pytest.mark.parametrize("path", ["/", SEED, "/contributions/", SEED + "statistics/"])
def test_pages_fit_a_320_pixel_screen(seeded_site, browser, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True)
    page = context.new_page()
    page.goto(seeded_site + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_keyboard_user_can_skip_to_the_content(seeded_site, page):
    page.goto(seeded_site + SEED)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_focus_is_visible_on_links(seeded_site, page):
    page.goto(seeded_site + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
