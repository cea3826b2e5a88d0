"""People through the API: the public sees those with a role at a published hearing, never an
email; staff see everyone and write with the model permission."""

import pytest

from consultations.tests.factories import HearingFactory, ParticipationFactory, SegmentFactory
from consultations.tests.sitemap_support import sitemap_text
from stakeholders.models import Person
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def with_role(person, published=True):
    segment = SegmentFactory(hearing=HearingFactory(published=published))
    ParticipationFactory(person=person, segment=segment)
    return person


def test_people_never_show_an_email_to_the_public(client, viewer):
    with_role(
        PersonFactory(
            slug="ana",
            name="Ana Ruiz",
            email="ana@example.org",
            organization=OrganizationFactory(slug="iom"),
        )
    )
    body = client.get("/api/v1/people/ana/").json()
    assert "email" not in body
    assert (body["name"], body["organization"], body["url"]) == (
        "Ana Ruiz",
        "iom",
        "http://testserver/api/v1/people/ana/",
    )
    assert "ana@example.org" not in client.get("/api/v1/people/?format=csv").content.decode()
    assert [
        p["slug"] for p in client.get("/api/v1/people/?organization=iom").json()["results"]
    ] == ["ana"]
    client.force_login(viewer)
    assert client.get("/api/v1/people/ana/").json()["email"] == "ana@example.org"


def test_people_of_draft_programmes_stay_private_until_the_hearing_is_published(client, viewer):
    with_role(PersonFactory(slug="drafted"), published=False)
    PersonFactory(slug="no-role")
    assert client.get("/api/v1/people/drafted/").status_code == 404
    assert client.get("/api/v1/people/").json()["count"] == 0
    assert client.get("/people/drafted/").status_code == 404
    assert client.get("/people/no-role/").status_code == 404
    assert "/people/drafted/" not in sitemap_text(client)
    client.force_login(viewer)
    assert client.get("/api/v1/people/").json()["count"] == 2


@pytest.mark.parametrize("rows", [5, 200])
def test_people_list_runs_a_fixed_number_of_queries(client, rows):
    hearing = HearingFactory()
    segment = SegmentFactory(hearing=hearing)
    for _n in range(rows):
        ParticipationFactory(segment=segment)
        ParticipationFactory(segment=segment, person=PersonFactory())
    # 1 count, 2 the page (people with their organization)
    with data_queries(2):
        assert client.get("/api/v1/people/").json()["count"] == 2 * rows


def test_staff_create_a_person_in_an_organization(client, editor):
    OrganizationFactory(slug="fian")
    client.force_login(editor)
    response = client.post(
        "/api/v1/people/",
        {"slug": "ana", "name": "Ana Ruiz", "organization": "fian", "email": "ana@example.org"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Person.objects.get().organization.slug == "fian"


def test_anonymous_and_viewers_cannot_write_people(client, viewer):
    with_role(PersonFactory(slug="ana"))
    assert client.delete("/api/v1/people/ana/").status_code == 401
    client.force_login(viewer)
    assert client.delete("/api/v1/people/ana/").status_code == 403
    assert Person.objects.count() == 1
