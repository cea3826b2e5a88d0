"""The site's look as markup: one site name everywhere, the hearing page's table of contents and
numbered panels, names without a stray comma, and the forms' error summary."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from consultations.models import Hearing, OutgoingEmail
from consultations.tests.forms_support import open_hearing
from stakeholders.enums import StakeholderCategory

pytestmark = pytest.mark.django_db

SITE_NAME = "UN multi-stakeholder hearings"
SLUG = "gcm-second-multi-stakeholder-hearing-2017"


@pytest.fixture
def seed():
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    return Hearing.objects.get(slug=SLUG)


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


def header_name(page):
    return re.search(r'<a class="site-name" href="/">([^<]+)</a>', page)[1]


def test_one_site_name_in_header_titles_back_office_feed_and_emails(client, seed, editor):
    home = client.get("/").content.decode()
    hearing = client.get(f"/hearings/{SLUG}/").content.decode()
    assert header_name(home) == header_name(hearing) == SITE_NAME
    assert f"<title>{SITE_NAME}</title>" in home
    assert re.search(rf"<title>[^<]+ · {SITE_NAME}</title>", hearing)
    assert f'<meta property="og:site_name" content="{SITE_NAME}">' in hearing
    assert f"X-WR-CALNAME:{SITE_NAME}" in client.get("/hearings.ics").content.decode()
    client.force_login(editor)
    admin = client.get("/admin/").content.decode()
    assert f"{SITE_NAME}: back office" in admin
    for old_name in ["Consultation hearings", "UN consultation hearings"]:
        assert old_name not in home + hearing + admin
    hearing = open_hearing(slug="migration-hearing")
    client.post(
        reverse("consultations:register", args=[hearing.slug]),
        {
            "name": "Amina Diallo",
            "email": "amina@example.org",
            "category": StakeholderCategory.CIVIL_SOCIETY,
            "organization_text": "A network not yet in the register",
            "country": "SN",
            "privacy_consent": "on",
            "website": "",
        },
    )
    # Sent once the registration is committed; the queued email holds what is sent.
    email = OutgoingEmail.objects.get()
    assert f"The secretariat of the hearings\n{SITE_NAME}: http://127.0.0.1:8000/" in email.text
    assert f'<a href="http://127.0.0.1:8000/">{SITE_NAME}</a>' in email.html


def test_hearing_page_has_a_table_of_contents_reaching_every_segment(client, seed):
    page = client.get(f"/hearings/{SLUG}/").content.decode()
    contents = page[
        page.index('<nav class="contents"') : page.index(
            "</nav>", page.index('<nav class="contents"')
        )
    ]
    targets = re.findall(r'<a href="#([^"]+)">', contents)
    assert targets == ["about-heading", "programme-heading", *[f"segment-{n}" for n in range(1, 9)]]
    for target in targets:
        assert page.count(f'id="{target}"') == 1
    assert [
        re.sub("<[^>]+>", "", link)
        for link in re.findall(r'<a href="#segment-\d+">(.*?)</a>', contents)
    ] == [
        "Opening segment",
        "Panel 1: Smuggling of migrants, trafficking in persons and contemporary forms of slavery",
        "Interactive segment",
        "Panel 2: Irregular migration and regular pathways, including decent work, labour mobility "
        "and recognition of skills and qualifications",
        "Interactive segment",
        "Remarks by the Director General of the International Organization for Migration",
        "Panel 3: Regional perspectives on migration",
        "Closing segment",
    ]


def test_panels_are_numbered_in_the_programme_and_the_outcome(client, seed):
    for url in [f"/hearings/{SLUG}/", f"/hearings/{SLUG}/outcomes/"]:
        page = client.get(url).content.decode()
        kinds = re.findall(r'<p class="segment-kind">([^<]*)</p>', page)
        assert kinds == [
            "Panel 1",
            "Interactive discussion",
            "Panel 2",
            "Interactive discussion",
            "Remarks",
            "Panel 3",
        ]


def test_no_comma_is_shown_between_a_name_and_its_affiliation(client, seed):
    page = client.get(f"/hearings/{SLUG}/").content.decode()
    names = page.count('class="person"')
    assert names == 23
    # The comma stays for screen readers and print, in a span the screen stylesheet hides.
    assert (
        page.count('</a><span class="name-separator">, </span><span class="affiliation">') == names
    )
    assert "</a>, <span" not in page


def test_error_summary_links_each_wrong_field_and_keeps_what_was_typed(client):
    hearing = open_hearing(slug="migration-hearing")
    response = client.post(
        reverse("consultations:register", args=[hearing.slug]),
        {"name": "Amina Diallo", "email": "not an address", "category": "civil_society"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    summary = page[page.index('<div class="form-alert error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert re.findall(r'<a href="#([^"]+)">', summary) == [
        "id_email",
        "id_organization_text",
        "id_country",
        "id_privacy_consent",
    ]
    for field_id in re.findall(r'<a href="#([^"]+)">', summary):
        assert f'id="{field_id}"' in page
    assert 'value="Amina Diallo"' in page
    assert "js/error-summary." in page


def test_contribution_preview_is_a_named_region(client):
    hearing = open_hearing(slug="migration-hearing")
    page = client.get(reverse("consultations:contribute", args=[hearing.slug])).content.decode()
    assert (
        '<div class="preview" id="preview" role="region" aria-labelledby="preview-heading"' in page
    )
