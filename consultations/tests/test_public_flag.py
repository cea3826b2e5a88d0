"""The stored `public` flag the public lists read (`ContributionQuerySet.published`): a
contribution is public exactly while it is published and its hearing is, whichever way it got
there: moderation, a hearing published or withdrawn, a fixture or a restore."""

import json
import threading

import pytest
from django.core import serializers
from django.db import connection
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.services import moderate_contribution, publish_hearing, withdraw_hearing
from consultations.tests.factories import ContributionFactory, HearingFactory

pytestmark = pytest.mark.django_db


def public_references():
    return set(Contribution.objects.published().values_list("reference", flat=True))


def stored_flags():
    return dict(Contribution.objects.values_list("reference", "public"))


def test_moderation_makes_a_contribution_public_and_takes_it_back(editor):
    contribution = ContributionFactory()
    assert stored_flags() == {contribution.reference: False}
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    assert stored_flags() == {contribution.reference: True}
    assert public_references() == {contribution.reference}
    moderate_contribution(contribution, ContributionStatus.UNDER_REVIEW, by=editor)
    assert stored_flags() == {contribution.reference: False}
    assert public_references() == set()


def test_a_hearing_withdrawn_and_published_again_takes_its_published_contributions_along(editor):
    hearing = HearingFactory()
    shown = ContributionFactory(
        hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=timezone.now()
    )
    waiting = ContributionFactory(hearing=hearing)
    elsewhere = ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now()
    )
    assert public_references() == {shown.reference, elsewhere.reference}

    withdraw_hearing(hearing, by=editor)
    assert public_references() == {elsewhere.reference}
    assert stored_flags()[waiting.reference] is False

    publish_hearing(hearing, by=editor)
    assert public_references() == {shown.reference, elsewhere.reference}
    assert stored_flags()[waiting.reference] is False


def test_a_contribution_published_while_its_hearing_is_a_draft_waits_for_the_hearing(editor):
    hearing = HearingFactory(published=False)
    contribution = ContributionFactory(hearing=hearing)
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    assert public_references() == set()
    publish_hearing(hearing, by=editor)
    assert public_references() == {contribution.reference}


def test_a_fixture_or_restore_sets_the_flag_from_the_stored_hearing_not_the_file():
    """A file written before the flag existed, or edited by hand, cannot publish a contribution
    to a draft hearing, nor hide one of a published hearing."""
    shown = ContributionFactory(status=ContributionStatus.PUBLISHED, published_at=timezone.now())
    drafted = ContributionFactory(
        hearing=HearingFactory(published=False),
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    rows = json.loads(serializers.serialize("json", [shown, drafted]))
    rows[0]["fields"]["public"], rows[1]["fields"]["public"] = False, True
    Contribution.objects.update(public=False)
    for restored in serializers.deserialize("json", json.dumps(rows)):
        restored.save()
    assert stored_flags() == {shown.reference: True, drafted.reference: False}


def test_the_database_refuses_a_public_contribution_that_is_not_published(violates):
    contribution = ContributionFactory()
    with violates("contribution_public_is_published"):
        Contribution.objects.filter(pk=contribution.pk).update(public=True)


@pytest.mark.django_db(transaction=True)
def test_a_contribution_published_while_its_hearing_is_withdrawn_ends_hidden(editor):
    """Two connections at once, many times: publishing contributions and withdrawing their
    hearing. The moderation locks the hearing first, as the withdrawal does, so neither
    deadlocks and no contribution of a withdrawn hearing is left public."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time; the row locks are PostgreSQL's.")
    hearing = HearingFactory()
    contributions = [ContributionFactory(hearing=hearing) for _ in range(12)]
    failures = []

    def run(work, barrier):
        try:
            barrier.wait(timeout=10)
            work()
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    for contribution in contributions:
        barrier = threading.Barrier(2)
        moderation = threading.Thread(
            target=run,
            args=(
                lambda c=contribution: moderate_contribution(
                    c, ContributionStatus.PUBLISHED, by=editor
                ),
                barrier,
            ),
        )
        withdrawal = threading.Thread(
            target=run, args=(lambda: withdraw_hearing(hearing, by=editor), barrier)
        )
        moderation.start()
        withdrawal.start()
        moderation.join(timeout=30)
        withdrawal.join(timeout=30)
        assert public_references() == set()
        publish_hearing(hearing, by=editor)
        assert public_references() == set(
            Contribution.objects.filter(status=ContributionStatus.PUBLISHED).values_list(
                "reference", flat=True
            )
        )
    assert failures == []
    assert Contribution.objects.filter(public=True).count() == len(contributions)
