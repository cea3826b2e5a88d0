"""Each public form filled in real Chromium on a phone-sized screen, against a live server."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from consultations.enums import ContributionStatus, RegistrationStatus
from consultations.models import Contribution, Registration
from consultations.tests.factories import SegmentFactory
from consultations.tests.forms_support import open_hearing, pdf_bytes
from stakeholders.tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def note_console(page, message):
    """Script errors and CSP refusals; failed loads are noted by URL in `note_response`."""
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.problems.append(message.text)


def note_response(page, response):
    # The browser asks for /favicon.ico on its own; the site has none.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        page.problems.append(f"{response.status} {response.url}")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-GB", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: note_console(page, message))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("response", lambda response: note_response(page, response))
    yield page
    context.close()


@pytest.fixture
def site(live_server, settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    OrganizationFactory(name="International Catholic Migration Commission", acronym="ICMC")
    hearing = open_hearing(title="Hearing on migration", slug="migration-hearing")
    SegmentFactory(hearing=hearing, title="Labour migration")
    return live_server.url, hearing


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_registration_on_a_phone(site, phone):
    url, hearing = site
    phone.goto(f"{url}/hearings/{hearing.slug}/register/")
    assert fits_the_screen(phone)
    phone.get_by_label("Full name").fill("عائشة الحربي")
    phone.get_by_label("Email").fill("aisha@example.org")
    phone.get_by_label("Stakeholder category").select_option("civil_society")
    phone.get_by_label("Organization", exact=True).fill("ICMC")
    phone.get_by_label("Country").select_option("SA")
    # Submitting without the consent brings the form back with the message and the typing kept.
    phone.get_by_role("button", name="Register").click()
    phone.wait_for_load_state()
    assert phone.locator("#id_privacy_consent_error").inner_text() == (
        "Please accept the privacy notice to register."
    )
    assert phone.get_by_label("Full name").input_value() == "عائشة الحربي"
    phone.get_by_label("I have read the privacy notice and agree to it.").check()
    phone.get_by_role("button", name="Register").click()
    phone.wait_for_url(f"{url}/hearings/{hearing.slug}/register/received/")
    assert phone.get_by_role("heading", level=1).inner_text() == (
        "Thank you: we have received your registration."
    )
    registration = Registration.objects.get()
    assert registration.name == "عائشة الحربي"
    assert registration.organization.acronym == "ICMC"
    assert registration.status == RegistrationStatus.PENDING
    assert mail.outbox[0].to == ["aisha@example.org"]
    assert registration.reference in mail.outbox[0].body
    assert fits_the_screen(phone)
    assert phone.problems == []


def test_contribution_on_a_phone_with_live_preview(site, phone, tmp_path):
    url, hearing = site
    phone.goto(f"{url}/hearings/{hearing.slug}/contribute/")
    assert fits_the_screen(phone)
    phone.get_by_label("Your name").fill("Zoë 🌍 Okafor")
    phone.get_by_label("Your email").fill("zoe@example.org")
    phone.get_by_label("Organization", exact=True).fill("A network not yet in the register")
    phone.get_by_label("Stakeholder category").select_option("civil_society")
    phone.get_by_label("Country").select_option("NG")
    phone.get_by_label("Language of your contribution").select_option("en")
    phone.get_by_label("Title").fill("Skills recognition")
    phone.get_by_label("Part of the hearing it addresses (optional)").select_option(
        label="Labour migration"
    )
    phone.get_by_label("Your contribution", exact=True).fill(
        "Countries should recognise **skills** gained abroad, and do it quickly."
    )
    # The live preview, from the same renderer as the public pages.
    phone.locator("#preview strong").wait_for()
    assert phone.locator("#preview strong").inner_text() == "skills"
    brief = tmp_path / "brief.pdf"
    brief.write_bytes(pdf_bytes())
    phone.get_by_label("Attachment (optional)").set_input_files(str(brief))
    phone.get_by_label("Neither: publish anonymously").check()
    phone.get_by_role("button", name="Send my contribution").click()
    phone.wait_for_url(re.compile(r".*/contributions/status/.*\?submitted=1$"))
    contribution = Contribution.objects.get()
    assert contribution.status == ContributionStatus.SUBMITTED
    assert contribution.author_name == "Zoë 🌍 Okafor"
    assert contribution.organization_name == "A network not yet in the register"
    assert contribution.segment.title == "Labour migration"
    assert contribution.attachment.name.endswith(".pdf")
    assert contribution.reference in phone.locator("main").inner_text()
    assert len(mail.outbox) == 1
    assert fits_the_screen(phone)
    assert phone.problems == []
