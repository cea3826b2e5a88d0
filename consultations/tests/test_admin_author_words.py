"""Moderation that keeps the author's words: the text is shown first as the public will read it
and is not a form field; a correction needs a reason the history keeps; regions by their labels;
a campaign group's text read once, with its members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Contribution
from consultations.tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db

BODY = "Our three asks:\n\n- regular pathways\n- firewalls\n- *access* to justice\n"


def change_page(contribution):
    return reverse("admin:consultations_contribution_change", args=[contribution.pk])


def correct_page(contribution):
    return reverse("admin:consultations_contribution_correct", args=[contribution.pk])


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_the_text_comes_first_as_published_and_is_no_form_field(client, request, persona):
    contribution = ContributionFactory(body=BODY, country="KE")
    client.force_login(request.getfixturevalue(persona))
    content = client.get(change_page(contribution)).content.decode()
    assert 'name="body"' not in content
    preview = content.index('<div class="contribution-preview">')
    assert preview < content.index("field-title")
    assert "<li>regular pathways</li>" in content
    assert "<li><em>access</em> to justice</li>" in content
    assert '<div class="readonly">Africa</div>' in content
    assert ("Correct the text, with a reason" in content) is (persona == "editor")


def test_a_change_form_cannot_rewrite_the_text(client, editor):
    contribution = ContributionFactory(body=BODY)
    client.force_login(editor)
    page = client.get(change_page(contribution))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key != "body"
    }
    data |= {"body": "Rewritten by staff.", "title": "A new title"}
    client.post(change_page(contribution), data)
    assert Contribution.objects.get(pk=contribution.pk).body == BODY


def test_a_correction_needs_a_reason_and_the_history_keeps_it(client, editor):
    editor.first_name, editor.last_name = "Ines", "Moreau"
    editor.save()
    contribution = ContributionFactory(body=BODY)
    client.force_login(editor)
    corrected = BODY.replace("firewalls", "firewalls between services")
    refused = client.post(correct_page(contribution), {"body": corrected, "reason": "  "})
    assert refused.status_code == 200
    assert "firewalls between services" in refused.content.decode()
    assert "This field is required." in refused.content.decode()
    unchanged = client.post(correct_page(contribution), {"body": BODY, "reason": "Typo"})
    assert "The text is unchanged: there is nothing to correct." in unchanged.content.decode()
    assert Contribution.objects.get(pk=contribution.pk).body == BODY
    done = client.post(
        correct_page(contribution), {"body": corrected, "reason": "The author asked by email."}
    )
    assert done.status_code == 302
    assert done["Location"] == change_page(contribution)
    contribution.refresh_from_db()
    assert contribution.body == corrected
    latest = contribution.history.first()
    assert latest.history_change_reason == "The author asked by email."
    assert latest.history_user == editor
    history = client.get(
        reverse("admin:consultations_contribution_history", args=[contribution.pk])
    ).content.decode()
    assert "The author asked by email." in history
    assert "Ines Moreau" in history


def test_viewers_cannot_correct(client, viewer):
    contribution = ContributionFactory(body=BODY)
    client.force_login(viewer)
    assert client.get(correct_page(contribution)).status_code == 403
    assert client.post(correct_page(contribution), {"body": "x", "reason": "y"}).status_code == 403
    assert Contribution.objects.get(pk=contribution.pk).body == BODY


def test_a_campaign_group_shows_its_text_once_with_its_members(client, editor):
    first = ContributionFactory(body="Stop detention of children.", author_name="First")
    same = [
        ContributionFactory(
            hearing=first.hearing, body="STOP detention of children!", author_name=f"Other {i}"
        )
        for i in range(2)
    ]
    ContributionFactory(hearing=first.hearing, body="Something else.")
    client.force_login(editor)
    content = client.get(change_page(first)).content.decode()
    assert content.count("detention of children") == 1
    assert "The same text was sent by 2 other contributions awaiting review:" in content
    for other in same:
        assert (
            f'<a href="{change_page(other)}">{other.reference}</a>: {other.author_name}' in content
        )


def test_the_contribution_page_costs_the_same_however_large_its_group(
    client, editor, django_assert_num_queries
):
    first = ContributionFactory(body="Same words.")
    ContributionFactory(hearing=first.hearing, body="Same words.")
    client.force_login(editor)
    with CaptureQueriesContext(connection) as small:
        client.get(change_page(first))
    for _ in range(10):
        ContributionFactory(hearing=first.hearing, body="Same words.")
    with django_assert_num_queries(len(small)):
        content = client.get(change_page(first)).content.decode()
    assert "by 11 other contributions" in content
