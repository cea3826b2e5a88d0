import pytest
from django.db.models import Count
from django_countries import countries

from stakeholders.enums import Region, StakeholderCategory
from stakeholders.m49 import COUNTRY_REGION, COUNTRY_SUBREGION
from stakeholders.models import Organization
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_region_is_derived_from_the_country_by_the_database():
    organization = OrganizationFactory(country="KE")
    organization.refresh_from_db()
    assert organization.region == Region.AFRICA
    assert organization.subregion == "Eastern Africa"

    Organization.objects.filter(pk=organization.pk).update(country="MX")
    organization.refresh_from_db()
    assert organization.region == Region.AMERICAS
    assert organization.region_label == "Americas"


def test_organization_without_country_has_no_region():
    organization = OrganizationFactory(country="")
    organization.refresh_from_db()
    assert organization.region == ""
    assert organization.region_label == ""


def test_statistics_group_by_region_without_typing():
    for country in ["CH", "FR", "PH", "KE", "BR"]:
        OrganizationFactory(country=country)
    counts = dict(
        Organization.objects.order_by("region").values_list("region").annotate(n=Count("pk"))
    )
    assert counts == {Region.EUROPE: 2, Region.ASIA: 1, Region.AFRICA: 1, Region.AMERICAS: 1}


def test_every_iso_country_but_antarctica_has_an_m49_region():
    codes = {code for code, _name in countries}
    assert codes - set(COUNTRY_REGION) == {"AQ"}
    assert set(COUNTRY_REGION) - codes == set()
    assert set(COUNTRY_SUBREGION) == set(COUNTRY_REGION)


def test_organization_names_are_unique_ignoring_case(violates):
    OrganizationFactory(name="Migrant Forum in Asia", slug="mfa")
    with violates("organization_name_unique_ci"):
        OrganizationFactory(name="MIGRANT FORUM IN ASIA", slug="mfa-2")


def test_organization_slugs_are_unique(violates):
    OrganizationFactory(name="One", slug="same")
    with violates("slug"):
        OrganizationFactory(name="Two", slug="same")


def test_organization_category_must_be_known(violates):
    with violates("organization_category_valid"):
        OrganizationFactory(category="lobbyist")


def test_consultative_status_must_be_known(violates):
    with violates("organization_consultative_status_valid"):
        OrganizationFactory(consultative_status="observer")


def test_a_state_needs_a_country(violates):
    with violates("organization_state_has_country"):
        OrganizationFactory(name="Nowhere", category=StakeholderCategory.MEMBER_STATE, country="")
    state = OrganizationFactory(
        name="Mexico", category=StakeholderCategory.MEMBER_STATE, country="MX"
    )
    assert state.is_state


def test_empty_names_are_refused(violates):
    with violates("organization_name_slug_not_empty"):
        OrganizationFactory(name="", slug="x")
    with violates("person_name_slug_not_empty"):
        PersonFactory(name="", slug="y")


def test_person_slugs_are_unique(violates):
    PersonFactory(name="A", slug="same")
    with violates("slug"):
        PersonFactory(name="B", slug="same")


def test_person_reads_with_honorific_as_written():
    person = PersonFactory(honorific="H.E. Mr.", name="Juan José Gómez Camacho")
    assert str(person) == "H.E. Mr. Juan José Gómez Camacho"
    assert str(PersonFactory(honorific="", name="Milka Isinta")) == "Milka Isinta"
