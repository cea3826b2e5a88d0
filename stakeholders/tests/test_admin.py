import pytest

from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("region", "expected"),
    [("europe", ["In Geneva", "In Paris"]), ("asia", ["In Manila"]), ("none", ["Nowhere"])],
)
def test_organizations_filter_by_region_by_name(client, editor, region, expected):
    for name, country in [
        ("In Geneva", "CH"),
        ("In Paris", "FR"),
        ("In Manila", "PH"),
        ("Nowhere", ""),
    ]:
        OrganizationFactory(name=name, country=country)
    client.force_login(editor)
    response = client.get("/admin/stakeholders/organization/", {"region": region})
    assert [o.name for o in response.context["cl"].result_list] == expected


def test_region_is_shown_by_its_name(client, editor):
    OrganizationFactory(name="In Geneva", country="CH")
    client.force_login(editor)
    page = client.get("/admin/stakeholders/organization/").content.decode()
    assert '<td class="field-region_label">Europe</td>' in page
