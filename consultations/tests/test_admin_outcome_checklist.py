"""Publishing an outcome document from its content: the checklist read from the hearing's
programme, the preview as the public will see it, and the Publish button that calls the
service, which sets the publication date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.enums import ContributionStatus, OutcomeStatus, TranslationStatus
from consultations.models import Outcome, SegmentTranslation
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    OutcomeFactory,
    SegmentFactory,
    SubDiscussionFactory,
)

pytestmark = pytest.mark.django_db


def change_page(outcome):
    return reverse("admin:consultations_outcome_change", args=[outcome.pk])


def checklist(content):
    start = content.index('<ul class="publication-checklist">')
    return content[start : content.index("</ul>", start)]


def held_outcome(**hearing):
    hearing = HearingFactory(date=datetime.date(2017, 10, 11), time_zone="Europe/Zurich", **hearing)
    return OutcomeFactory(hearing=hearing, status=OutcomeStatus.DRAFT)


def test_checklist_names_empty_summaries_and_missing_translations(client, editor):
    outcome = held_outcome()
    SegmentFactory(hearing=outcome.hearing, title="Opening", summary="")
    panel = SegmentFactory(hearing=outcome.hearing, title="Panel on pathways", summary="Said.")
    SubDiscussionFactory(segment=panel, title="Africa", summary="")
    SegmentTranslation.objects.create(
        segment=panel,
        language="fr",
        title="Table ronde",
        summary="Dit.",
        translation_status=TranslationStatus.VERIFIED,
    )
    SegmentTranslation.objects.create(segment=panel, language="es", title="Mesa", summary="")
    client.force_login(editor)
    items = checklist(client.get(change_page(outcome)).content.decode())
    assert '<li class="warning">No summary yet: “Opening”, “Africa”.</li>' in items
    assert '<li class="warning">Not translated into Spanish: “Panel on pathways”.</li>' in items
    assert "French" not in items
    assert "blocking" not in items


def test_checklist_stops_at_a_hearing_not_yet_held_and_the_service_refuses(client, editor):
    outcome = OutcomeFactory(
        hearing=HearingFactory(date=datetime.date(2031, 5, 14)), status=OutcomeStatus.DRAFT
    )
    client.force_login(editor)
    items = checklist(client.get(change_page(outcome)).content.decode())
    assert (
        '<li class="blocking">The hearing is held on 14 May 2031: the outcome can be published '
        "from that day on.</li>"
    ) in items
    client.post(
        reverse("admin:consultations_outcome_publication", args=[outcome.pk]), {"to": "published"}
    )
    assert Outcome.objects.get(pk=outcome.pk).status == OutcomeStatus.DRAFT


def test_a_complete_outcome_says_so_and_publishes_with_the_date_the_service_sets(client, editor):
    outcome = held_outcome()
    segment = SegmentFactory(hearing=outcome.hearing, summary="Said.", language="en")
    for code, title in [("fr", "Dit."), ("es", "Dicho.")]:
        SegmentTranslation.objects.create(
            segment=segment, language=code, title=title, summary=title
        )
    client.force_login(editor)
    content = client.get(change_page(outcome)).content.decode()
    assert "publication-checklist-clear" in content
    response = client.post(
        reverse("admin:consultations_outcome_publication", args=[outcome.pk]),
        {"to": "published", "published_on": "1999-01-01"},
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.PUBLISHED
    assert outcome.published_on == timezone.localdate(timezone=outcome.hearing.zone)
    assert outcome.published_by == editor


@pytest.mark.parametrize(("persona", "may_publish"), [("editor", True), ("viewer", False)])
def test_both_roles_preview_the_draft_and_only_editors_publish(
    client, request, persona, may_publish
):
    outcome = held_outcome(published=False)
    SegmentFactory(hearing=outcome.hearing, summary="The draft summary of the panel.")
    client.force_login(request.getfixturevalue(persona))
    content = client.get(change_page(outcome)).content.decode()
    preview = reverse("consultations:outcomes", args=[outcome.hearing.slug])
    assert f'href="{preview}"' in content
    assert ('class="publication-move"' in content) is may_publish
    assert "The draft summary of the panel." in client.get(preview).content.decode()
    client.logout()
    assert "The draft summary of the panel." not in client.get(preview).content.decode()


def test_the_checklist_costs_the_same_however_long_the_programme(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    small = held_outcome()
    segment = SegmentFactory(hearing=small.hearing)
    SubDiscussionFactory(segment=segment)
    KeyMessageFactory(segment=segment)
    with CaptureQueriesContext(connection) as one:
        client.get(change_page(small))
    large = held_outcome()
    for _ in range(6):
        segment = SegmentFactory(hearing=large.hearing, summary="")
        SubDiscussionFactory(segment=segment)
        KeyMessageFactory(segment=segment)
        SegmentTranslation.objects.create(segment=segment, language="fr", title="T", summary="S")
    with django_assert_num_queries(len(one)):
        content = client.get(change_page(large)).content.decode()
    assert "and 1 more" in content


def test_a_key_message_cites_published_contributions_only_whatever_the_way_in():
    message = KeyMessageFactory()
    hearing = message.segment.hearing
    draft = ContributionFactory(hearing=hearing, reference="C-DRAFT")
    published = ContributionFactory(
        hearing=hearing,
        reference="C-PUBLIC",
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    # Each refusal inside its own transaction, as a caller would: the failed add rolls back.
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        message.contributions.add(draft)
    assert refused.value.messages == [
        "Cite only published contributions: C-DRAFT is not published."
    ]
    with pytest.raises(ValidationError), transaction.atomic():
        draft.key_messages.add(message)
    elsewhere = ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now()
    )
    with pytest.raises(ValidationError), transaction.atomic():
        message.contributions.add(elsewhere)
    message.contributions.add(published)
    assert list(message.contributions.all()) == [published]
