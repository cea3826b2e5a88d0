"""Hypothesis-generated Unicode through every public form and the API's JSON writes: never a
server error, and what is stored is exactly what was typed (after the trimming of surrounding
whitespace the fields announce; the contribution's body is kept as typed, whitespace included).
A refusal is a form error or a 400 that stores nothing. Examples are bounded so the module stays
fast; hypothesis keeps the failing ones it finds in no database (`database=None`)."""

import itertools

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations.enums import PublicationConsent
from consultations.models import Contribution, Process, Registration
from consultations.tests.forms_support import open_hearing
from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any Unicode but lone surrogates, which no UTF-8 request can carry (test_security sends them as
# raw bytes); NUL and other controls, right-to-left marks, combining marks, emoji all included.
unicode = st.characters(exclude_categories=("Cs",))


def text(min_size=0, max_size=80):
    return st.text(unicode, min_size=min_size, max_size=max_size)


# Mostly a word or two around anything, so most examples are accepted and round-trip.
def field_text(max_size=80):
    return st.one_of(
        text(1, max_size), st.builds(lambda a, b: f"{a} Ω {b}", text(0, 30), text(0, 30))
    )


def body_text():
    return st.builds(
        lambda a: "Texte de plus de cinquante caractères, pour le corps. " + a, text(0, 300)
    )


def acceptable(value, max_length, required=True):
    """What a Django or DRF CharField lets through: no NUL, not blank when required, within
    its length once surrounding whitespace is trimmed."""
    stripped = value.strip()
    return "\x00" not in value and (stripped or not required) and len(stripped) <= max_length


def acceptable_in_form(value, max_length, required=True):
    """A public form also refuses U+FFFD, the mark bytes that are not UTF-8 leave behind
    (consultations.forms.readable_text); JSON bodies that are not UTF-8 never parse at all."""
    return "\ufffd" not in value and acceptable(value, max_length, required)


emails = (f"person{n}@example.org" for n in itertools.count())


@pytest.fixture(autouse=True)
def fresh_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hearing():
    return open_hearing(slug="fuzz")


@FUZZ
@given(
    name=field_text(),
    honorific=text(0, 40),
    position=field_text(),
    needs=text(0, 300),
    organization=field_text(),
)
def test_registration_form_takes_any_unicode(
    client, hearing, name, honorific, position, needs, organization
):
    cache.clear()  # the per-address rate limit is not what this test is about
    email = next(emails)
    response = client.post(
        reverse("consultations:register", args=[hearing.slug]),
        {
            "honorific": honorific,
            "name": name,
            "email": email,
            "position": position,
            "category": StakeholderCategory.CIVIL_SOCIETY,
            "organization_text": organization,
            "country": "SN",
            "accessibility_needs": needs,
            "privacy_consent": "on",
            "website": "",
        },
    )
    valid = (
        acceptable_in_form(name, 200)
        and acceptable_in_form(honorific, 40, required=False)
        and acceptable_in_form(position, 300, required=False)
        and acceptable_in_form(needs, 10**6, required=False)
        and acceptable_in_form(organization, 300)
    )
    stored = Registration.objects.filter(email=email).first()
    if not valid:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert stored is None
        return
    assert response.status_code == 302, response.context["form"].errors
    assert (stored.name, stored.honorific, stored.position, stored.accessibility_needs) == (
        name.strip(),
        honorific.strip(),
        position.strip(),
        needs.strip(),
    )
    assert stored.organization_name == organization.strip()


@FUZZ
@given(author=field_text(), title=field_text(), body=body_text(), organization=field_text())
def test_contribution_form_takes_any_unicode(client, hearing, author, title, body, organization):
    cache.clear()
    email = next(emails)
    response = client.post(
        reverse("consultations:contribute", args=[hearing.slug]),
        {
            "author_name": author,
            "author_email": email,
            "organization_text": organization,
            "category": "civil_society",
            "country": "MX",
            "language": "es",
            "title": title,
            "segment": "",
            "body": body,
            "consent": PublicationConsent.ORGANIZATION,
            "website": "",
        },
    )
    valid = (
        acceptable_in_form(author, 200)
        and acceptable_in_form(title, 300)
        and acceptable_in_form(organization, 300)
        and acceptable_in_form(body, 10**6)
    )
    stored = Contribution.objects.filter(author_email=email).first()
    if not valid:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert stored is None
        return
    assert response.status_code == 302, response.context["form"].errors
    assert (stored.author_name, stored.title, stored.body, stored.organization_name) == (
        author.strip(),
        title.strip(),
        body,
        organization.strip(),
    )
    # The public page of the text shows it escaped and whole once published; the status page
    # reached through the redirect answers too.
    assert client.get(response["Location"]).status_code == 200


slugs = (f"fuzz-{n}" for n in itertools.count())


@FUZZ
@given(title=field_text(300), description=text(0, 500), mandate=text(0, 200))
def test_api_process_writes_take_any_unicode(client, editor, title, description, mandate):
    client.force_login(editor)
    slug = next(slugs)
    response = client.post(
        "/api/v1/processes/",
        {
            "slug": slug,
            "code": f"F{slug.rsplit('-', 1)[1]}",
            "title": title,
            "description": description,
            "mandate_reference": mandate,
        },
        content_type="application/json",
    )
    valid = (
        acceptable(title, 300)
        and acceptable(description, 10**6, required=False)
        and acceptable(mandate, 200, required=False)
    )
    stored = Process.objects.filter(slug=slug).first()
    if not valid:
        assert response.status_code == 400, response.content
        assert stored is None
        return
    assert response.status_code == 201, response.json()
    assert (stored.title, stored.description, stored.mandate_reference) == (
        title.strip(),
        description.strip(),
        mandate.strip(),
    )
    assert client.get(f"/api/v1/processes/{stored.code}/").json()["title"] == title.strip()


@FUZZ
@given(name=field_text(300), acronym=text(0, 40))
def test_api_organization_writes_take_any_unicode(client, editor, name, acronym):
    client.force_login(editor)
    slug = next(slugs)
    name = f"{slug} {name}"  # names are unique in the register, whatever their case
    response = client.post(
        "/api/v1/organizations/",
        {"slug": slug, "name": name, "acronym": acronym, "category": "civil_society"},
        content_type="application/json",
    )
    valid = acceptable(name, 300) and acceptable(acronym, 40, required=False)
    stored = Organization.objects.filter(slug=slug).first()
    if not valid:
        assert response.status_code == 400, response.content
        assert stored is None
        return
    assert response.status_code == 201, response.json()
    assert (stored.name, stored.acronym) == (name.strip(), acronym.strip())
