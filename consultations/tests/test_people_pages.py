"""The organizations directory, an organization's page and a person's page (people_views)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.enums import ContributionStatus, ParticipationRole
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    ParticipationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_directory_filters_by_category_region_country_and_search(client):
    OrganizationFactory(name="Migrant Forum in Asia", country="PH")
    OrganizationFactory(
        name="International Labour Organization",
        acronym="ILO",
        category=StakeholderCategory.UN_SYSTEM,
        country="CH",
    )
    page = client.get("/stakeholders/?category=un_system").content.decode()
    assert "International Labour Organization" in page
    assert "Migrant Forum in Asia" not in page
    page = client.get("/stakeholders/?region=asia").content.decode()
    assert "Migrant Forum in Asia" in page
    assert "International Labour Organization" not in page
    page = client.get("/stakeholders/?country=CH").content.decode()
    assert "International Labour Organization" in page
    assert '<option value="CH" selected>Switzerland</option>' in page
    page = client.get("/stakeholders/?q=ilo").content.decode()
    assert "International Labour Organization" in page
    assert "Migrant Forum in Asia" not in page


@pytest.mark.parametrize("query", ["category=pirates", "region=atlantis", "country=ZZ"])
def test_directory_unknown_filter_values_give_an_empty_list_still_shown(client, query):
    OrganizationFactory()
    response = client.get(f"/stakeholders/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No organization matches these filters." in page
    _name, value = query.split("=")
    assert f'<option value="{value}" selected>{value}</option>' in page


@pytest.mark.parametrize("page_number", ["999999", "-1", "abc"])
def test_directory_odd_page_numbers_never_fail(client, page_number):
    OrganizationFactory.create_batch(60)
    response = client.get("/stakeholders/", {"page": page_number})
    assert response.status_code == 200
    assert response.content.decode().count('<li><a href="/stakeholders/organization-') in (10, 50)


@pytest.mark.parametrize("search", ["x" * 10_000, "%_\\'\"<b>", "(a+)+$"])
def test_directory_search_is_handled_and_escaped(client, search):
    response = client.get("/stakeholders/", {"q": search})
    assert response.status_code == 200
    assert "<b>" not in response.content.decode().split("</header>", 1)[1]


def test_seed_organization_page_shows_people_roles_and_contributions(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    iom = Organization.objects.get(slug="iom")
    ContributionFactory(
        organization=iom,
        title="Data for migration",
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    ContributionFactory(organization=iom, title="Draft note")
    page = client.get("/stakeholders/iom/").content.decode()
    assert '<a href="/people/colin-rajah/">' in page
    assert "Moderator" in page
    assert "Regional perspectives on migration" in page
    assert "Data for migration" in page
    assert "Draft note" not in page


def test_person_page_shows_roles_with_the_position_held_at_the_time(client):
    person = PersonFactory(name="Ana Pérez", position="Director today")
    hearing = HearingFactory(title="Hearing of 2017", date=datetime.date(2017, 10, 11))
    ParticipationFactory(
        person=person,
        segment=SegmentFactory(hearing=hearing, title="Panel on pathways"),
        role=ParticipationRole.MODERATOR,
        position="Deputy director then",
    )
    hidden = HearingFactory(title="Draft hearing", published=False)
    ParticipationFactory(person=person, segment=SegmentFactory(hearing=hidden))
    page = " ".join(client.get("/people/ana-perez/").content.decode().split())
    assert "Hearing of 2017" in page
    assert "Moderator" in page
    assert "as Deputy director then" in page
    assert "Panel on pathways" in page
    assert "Draft hearing" not in page


def test_organization_page_lists_only_people_the_public_may_see(client):
    """The same people as /people/<slug>/ answers for: with a role at a published hearing, in a
    segment or a sub-discussion; never one named only in a draft programme or only in the
    register."""
    organization = OrganizationFactory(slug="open-ngo", name="Open NGO")
    heard = PersonFactory(name="Heard Panellist", organization=organization)
    ParticipationFactory(person=heard, segment=SegmentFactory(hearing=HearingFactory()))
    in_sub_discussion = PersonFactory(name="Regional Voice", organization=organization)
    ParticipationFactory(
        person=in_sub_discussion, segment=None, sub_discussion=SubDiscussionFactory()
    )
    drafted = PersonFactory(name="Drafted Speaker", organization=organization)
    ParticipationFactory(
        person=drafted, segment=SegmentFactory(hearing=HearingFactory(published=False))
    )
    registered = PersonFactory(name="Register Only", organization=organization)

    page = client.get("/stakeholders/open-ngo/").content.decode()

    assert f'href="/people/{heard.slug}/"' in page
    assert f'href="/people/{in_sub_discussion.slug}/"' in page
    assert "Drafted Speaker" not in page
    assert "Register Only" not in page
    assert [
        client.get(f"/people/{person.slug}/").status_code
        for person in (heard, in_sub_discussion, drafted, registered)
    ] == [200, 200, 404, 404]


@pytest.mark.parametrize("url", ["/stakeholders/nobody/", "/people/nobody/"])
def test_unknown_organization_or_person_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 200])
def test_stakeholder_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    organization = OrganizationFactory(name="Big NGO")
    hearing = HearingFactory()
    segment = SegmentFactory(hearing=hearing)
    sub = SubDiscussionFactory(segment=segment)
    person = PersonFactory(name="Busy Person", organization=organization)
    for n in range(rows):
        OrganizationFactory()
        PersonFactory(organization=organization)
        ParticipationFactory(person=person, organization=organization, segment=segment, order=n)
        ParticipationFactory(
            person=person, organization=organization, segment=None, sub_discussion=sub, order=n
        )
        ContributionFactory(
            organization=organization,
            hearing=hearing,
            status=ContributionStatus.PUBLISHED,
            published_at=timezone.now(),
        )
    # 1 count, 2 the page of organizations, 3 the countries for the filter
    with django_assert_num_queries(3):
        assert client.get("/stakeholders/").status_code == 200
    # 1 organization, 2 its people, 3 roles with person, place and hearing, 4 latest published
    # contributions with their hearing, 5 their count
    with django_assert_num_queries(5):
        assert client.get("/stakeholders/big-ngo/").status_code == 200
    # 1 person with organization, 2 roles with place and hearing
    with django_assert_num_queries(2):
        response = client.get("/people/busy-person/")
    assert response.content.decode().count("/#segment-") == 2 * rows


def test_a_states_country_is_its_country_anyone_elses_is_a_headquarters(client):
    OrganizationFactory(
        slug="kenya", name="Kenya", category=StakeholderCategory.MEMBER_STATE, country="KE"
    )
    OrganizationFactory(slug="geneva-ngo", name="Geneva NGO", country="CH")
    OrganizationFactory(slug="nowhere-ngo", name="Nowhere NGO", country="")

    def facts(slug):
        page = " ".join(client.get(f"/stakeholders/{slug}/").content.decode().split())
        return page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]

    assert "<dt>Country</dt><dd>Kenya</dd>" in facts("kenya")
    assert "<dt>Region</dt><dd>Africa</dd>" in facts("kenya")
    # A headquarters is no region the organization speaks for: no region is shown from it.
    assert "<dt>Headquarters</dt><dd>Switzerland</dd>" in facts("geneva-ngo")
    assert "Region" not in facts("geneva-ngo")
    assert "<dt>Headquarters</dt><dd>Not stated</dd>" in facts("nowhere-ngo")
    directory = " ".join(client.get("/stakeholders/").content.decode().split())
    assert "Civil society organization · Headquarters: Switzerland</span>" in directory
    assert "Member State · Kenya</span>" in directory


def test_the_country_filter_names_each_country_once(client):
    for name in ("Alpha Network", "Beta Network", "Gamma Network"):
        OrganizationFactory(name=name, country="CH")
    page = client.get("/stakeholders/").content.decode()
    assert page.count('<option value="CH"') == 1
