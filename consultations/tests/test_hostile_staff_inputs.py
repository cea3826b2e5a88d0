"""Hostile input where staff work, as an outside review sent it: ids that are not numbers (a
Unicode digit passes `str.isdigit` but not `int`), a NUL in a search, a page to go back to on
another site. Each gets a clear answer, never a 500 nor a link off the site."""

import pytest
from django.urls import reverse

from consultations.tests.factories import ContributionFactory, RegistrationFactory
from consultations.tests.floor_support import approved

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "\u00b2"


@pytest.mark.parametrize("model", ["registration", "contribution"])
@pytest.mark.parametrize("object_id", ["abc", SUPERSCRIPT_TWO, "999999"])
def test_a_history_page_of_no_such_record_says_so(client, editor, model, object_id):
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{model}/{object_id}/history/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_an_old_version_that_is_no_number_says_so(client, editor):
    registration = RegistrationFactory()
    client.force_login(editor)
    url = f"/admin/consultations/registration/{registration.pk}/history/{SUPERSCRIPT_TWO}/"
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("model", ["registration", "contribution"])
def test_a_confirmation_page_ignores_ids_that_are_no_numbers(client, editor, model):
    action = "approve" if model == "registration" else "publish"
    client.force_login(editor)
    url = reverse(f"admin:consultations_{model}_confirm", args=[action])
    response = client.get(url, {"ids": f"{SUPERSCRIPT_TWO},abc"})
    assert response.status_code == 200
    assert response.context["records"] == []


@pytest.mark.parametrize(
    "back", ["https://evil.example/", "javascript:alert(document.cookie)", "//evil.example/"]
)
def test_a_confirmation_page_links_back_only_to_this_site(client, editor, back):
    contribution = ContributionFactory()
    client.force_login(editor)
    url = reverse("admin:consultations_contribution_confirm", args=["publish"])
    page = client.get(url, {"ids": contribution.pk, "next": back}).content.decode()
    assert "evil.example" not in page
    assert "javascript:" not in page


def test_the_chairs_search_takes_a_unicode_digit_and_a_nul(client, editor, floor_segment):
    approved(floor_segment, "Amina Diallo")
    client.force_login(editor)
    url = reverse(
        "consultations:floor_console", args=[floor_segment.hearing.slug, floor_segment.order]
    )
    assert client.get(url, {"q": SUPERSCRIPT_TWO}).status_code == 200
    response = client.post(url, {"q": "Amina\x00" + "A" * 10_000, "action": "add"})
    assert response.status_code in {200, 400}
    assert "Amina" in response.content.decode()
