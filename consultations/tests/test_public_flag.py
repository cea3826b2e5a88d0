"""The stored `public` flag the public lists read (`ContributionQuerySet.published`): a
contribution is public exactly while it is published and its hearing is, whichever way it got
there: moderation, a hearing published or withdrawn, a fixture or a restore."""

import contextlib
import io
import json
import threading

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Contribution, Hearing
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


def test_a_hearing_saved_whole_or_loaded_from_a_file_takes_its_contributions_along():
    """Outside the publication service too: a whole-row save of the hearing (as
    `create_example_hearing` makes one), or a fixture holding it."""
    hearing = HearingFactory()
    shown = ContributionFactory(
        hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=timezone.now()
    )
    hearing.published = False
    hearing.save()
    assert public_references() == set()
    rows = json.loads(serializers.serialize("json", [hearing]))
    rows[0]["fields"]["published"] = True
    for restored in serializers.deserialize("json", json.dumps(rows)):
        restored.save()
    assert public_references() == {shown.reference}


@pytest.mark.django_db(transaction=True)
def test_two_bulk_publications_across_the_same_hearings_do_not_deadlock(editor):
    """Two editors publish, at once, contributions to two hearings, each list meeting the
    hearings in the other order. Each thread pauses after its first contribution's save until
    the other has saved one too (or two seconds have passed): without the hearings locked first,
    in id order, each would hold one hearing and wait for the other's."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time; the row locks are PostgreSQL's.")
    first, second = HearingFactory(), HearingFactory()
    selections = [
        [ContributionFactory(hearing=second), ContributionFactory(hearing=first)],
        [ContributionFactory(hearing=first), ContributionFactory(hearing=second)],
    ]
    barrier = threading.Barrier(2, timeout=2)
    paused = set()
    answers = []

    def pause_once(sender, instance, **kwargs):
        thread = threading.get_ident()
        if thread not in paused:
            paused.add(thread)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    def publish(selection):
        try:
            client = Client()
            client.force_login(editor)
            answers.append(
                client.post(
                    reverse("admin:consultations_contribution_changelist"),
                    {
                        "action": "publish",
                        "_selected_action": [c.pk for c in selection],
                        "index": "0",
                        "apply": "1",
                    },
                ).status_code
            )
        except Exception as error:
            answers.append(repr(error))
        finally:
            connection.close()

    post_save.connect(pause_once, sender=Contribution, dispatch_uid="test-pause")
    try:
        threads = [threading.Thread(target=publish, args=(s,)) for s in selections]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        post_save.disconnect(dispatch_uid="test-pause", sender=Contribution)
    assert answers == [302, 302]
    assert len(public_references()) == 4


def test_refresh_public_flags_mends_what_was_written_outside_the_services():
    shown = ContributionFactory(status=ContributionStatus.PUBLISHED, published_at=timezone.now())
    drafted = ContributionFactory(status=ContributionStatus.PUBLISHED, published_at=timezone.now())
    Contribution.objects.filter(pk=shown.pk).update(public=False)
    Hearing.objects.filter(pk=drafted.hearing_id).update(published=False)
    output = io.StringIO()
    call_command("refresh_public_flags", stdout=output)
    assert output.getvalue() == "1 contribution(s) made public, 1 hidden.\n"
    assert stored_flags() == {shown.reference: True, drafted.reference: False}
    call_command("refresh_public_flags", stdout=output)
    assert output.getvalue().endswith("0 contribution(s) made public, 0 hidden.\n")
