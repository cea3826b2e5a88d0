"""The register of organizations through the API: public for everyone, writes for staff with the
model permission. (People through the API are tested beside the viewset that serves them: whom
the public sees depends on records this app does not hold.)"""

import pytest

from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_organizations_are_public_with_their_filters_and_search(client):
    OrganizationFactory(
        slug="iom", name="International Organization for Migration", acronym="IOM", country="CH"
    )
    OrganizationFactory(
        slug="kenya", name="Kenya", category=StakeholderCategory.MEMBER_STATE, country="KE"
    )
    body = client.get("/api/v1/organizations/iom/").json()
    assert body == {
        "url": "http://testserver/api/v1/organizations/iom/",
        "slug": "iom",
        "name": "International Organization for Migration",
        "acronym": "IOM",
        "category": "civil_society",
        "country": "CH",
        "region": "europe",
        "consultative_status": "not_recorded",
        "website": "",
    }

    def slugs(query):
        return [o["slug"] for o in client.get(f"/api/v1/organizations/?{query}").json()["results"]]

    assert slugs("region=africa") == ["kenya"]
    assert slugs("category=member_state") == ["kenya"]
    assert slugs("category=nonsense") == []
    assert slugs("q=iom") == ["iom"]
    assert slugs("q=migration") == ["iom"]
    assert slugs("ordering=-name") == ["kenya", "iom"]
    assert client.get("/api/v1/organizations/?ordering=website").status_code == 400


@pytest.mark.parametrize("rows", [5, 500])
def test_organization_list_runs_a_fixed_number_of_queries(client, rows):
    for _n in range(rows):
        OrganizationFactory()
    # 1 count, 2 the page
    with data_queries(2):
        assert client.get("/api/v1/organizations/").json()["count"] == rows


def test_staff_create_an_organization(client, editor):
    client.force_login(editor)
    response = client.post(
        "/api/v1/organizations/",
        {
            "slug": "fian",
            "name": "FIAN International",
            "category": "civil_society",
            "country": "DE",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["region"] == "europe"
    assert Organization.objects.get().slug == "fian"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"slug": "dup", "name": "existing org", "category": "civil_society"},
            {"non_field_errors": ["An organization with this name is already in the register."]},
        ),
        (
            {"slug": "ke", "name": "Kenya", "category": "member_state"},
            {"non_field_errors": ["A Member State or Observer State needs its country."]},
        ),
        (
            {"slug": "x", "name": "X", "category": "guild"},
            {"category": ['"guild" is not a valid choice.']},
        ),
        (
            {"slug": "x", "name": "X", "category": "civil_society", "region": "europe"},
            {"region": ["This field is set by the server and cannot be written."]},
        ),
    ],
)
def test_bad_organization_writes_change_nothing(client, editor, payload, errors):
    OrganizationFactory(name="Existing Org")
    client.force_login(editor)
    response = client.post("/api/v1/organizations/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == errors
    assert Organization.objects.count() == 1


def test_anonymous_and_viewers_cannot_write_the_directory(client, viewer):
    OrganizationFactory(slug="iom")
    assert (
        client.post("/api/v1/organizations/", {}, content_type="application/json").status_code
        == 401
    )
    assert client.delete("/api/v1/organizations/iom/").status_code == 401
    client.force_login(viewer)
    assert client.delete("/api/v1/organizations/iom/").status_code == 403
    assert Organization.objects.count() == 1


def test_an_organization_people_belong_to_cannot_be_deleted(client, editor):
    PersonFactory(organization=OrganizationFactory(slug="iom"))
    client.force_login(editor)
    response = client.delete("/api/v1/organizations/iom/")
    assert response.status_code == 409
    assert Organization.objects.filter(slug="iom").exists()
