"""Publishing and withdrawing hearings and outcome documents: the moves on the map are stamped,
logged and kept in the history; the others, and an outcome before its hearing's day at the venue,
are refused with a sentence and change nothing."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from consultations.enums import HEARING_MOVES, OUTCOME_MOVES, HearingPublication, OutcomeStatus
from consultations.models import Hearing, Outcome, StatusChange
from consultations.services import (
    TransitionRefused,
    keep_stored_publication,
    publish_hearing,
    publish_outcome,
    set_hearing_publication,
    set_outcome_status,
    unpublish_outcome,
    withdraw_hearing,
)
from consultations.tests.factories import HearingFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

# The venue's date at the far ends of the world's clocks: Kiritimati's is always a day or two
# ahead of Pago Pago's, so one date is "today" at one venue and still to come at the other.
AHEAD, BEHIND = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def venue_today(zone):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))


def held_hearing(**fields):
    return HearingFactory(date=datetime.date(2017, 10, 11), time_zone="Europe/Zurich", **fields)


def test_publishing_a_hearing_is_stamped_logged_and_kept_in_its_history(editor):
    hearing = held_hearing(published=False)
    before = timezone.now()
    publish_hearing(hearing, by=editor)
    assert hearing.published is True
    assert hearing.published_by == editor
    assert before <= hearing.published_at <= timezone.now()
    change = StatusChange.objects.get()
    assert (change.record, change.previous_status, change.new_status, change.changed_by) == (
        hearing,
        "draft",
        "published",
        editor,
    )
    latest = hearing.history.first()
    assert (latest.published, latest.history_user) == (True, editor)

    withdraw_hearing(hearing, by=editor, reason="Date to be confirmed")
    stored = Hearing.objects.get(pk=hearing.pk)
    assert (stored.published, stored.published_at, stored.published_by) == (False, None, None)
    assert list(
        StatusChange.objects.filter(hearing=hearing)
        .order_by("pk")
        .values_list("previous_status", "new_status", "reason")
    ) == [("draft", "published", ""), ("published", "draft", "Date to be confirmed")]
    assert mail.outbox == []


@pytest.mark.parametrize("state", list(HearingPublication))
def test_a_hearing_move_off_the_map_is_refused_and_changes_nothing(editor, state):
    hearing = held_hearing(published=state == HearingPublication.PUBLISHED)
    (off_the_map,) = set(HearingPublication) - HEARING_MOVES[state]
    before = Hearing.objects.filter(pk=hearing.pk).values().get()
    with pytest.raises(TransitionRefused) as refused:
        set_hearing_publication(hearing, off_the_map, by=editor)
    assert off_the_map == state  # the only move off the map: to where it already is
    assert refused.value.messages == [f"This hearing is already {state.label.lower()}."]
    assert Hearing.objects.filter(pk=hearing.pk).values().get() == before
    assert StatusChange.objects.count() == 0


def test_publishing_an_outcome_stamps_the_date_at_the_venue(editor):
    hearing = HearingFactory(date=venue_today(AHEAD), time_zone=AHEAD)
    outcome = OutcomeFactory(hearing=hearing, status=OutcomeStatus.DRAFT)
    publish_outcome(outcome, by=editor)
    stored = Outcome.objects.get(pk=outcome.pk)
    assert (stored.status, stored.published_on, stored.published_by) == (
        OutcomeStatus.PUBLISHED,
        venue_today(AHEAD),
        editor,
    )
    change = StatusChange.objects.get()
    assert (change.record, change.previous_status, change.new_status, change.changed_by) == (
        outcome,
        "draft",
        "published",
        editor,
    )

    unpublish_outcome(outcome, by=editor)
    stored.refresh_from_db()
    assert (stored.status, stored.published_on, stored.published_by) == ("draft", None, None)
    # The outcome keeps its history now: created, published, back to draft.
    assert [
        (version.status, version.published_on, version.history_user)
        for version in stored.history.order_by("history_id")
    ] == [
        ("draft", None, None),
        ("published", venue_today(AHEAD), editor),
        ("draft", None, editor),
    ]


def test_an_outcome_waits_for_its_hearings_day_at_the_venue(editor):
    """The same date is today at a venue far east and still to come far west: the first may
    publish its outcome, the second may not, and its attempt changes nothing."""
    date = venue_today(AHEAD)
    assert venue_today(BEHIND) < date
    today_there = OutcomeFactory(
        hearing=HearingFactory(date=date, time_zone=AHEAD), status=OutcomeStatus.DRAFT
    )
    not_yet = OutcomeFactory(
        hearing=HearingFactory(date=date, time_zone=BEHIND, title="Pacific hearing"),
        status=OutcomeStatus.DRAFT,
    )
    before = Outcome.objects.filter(pk=not_yet.pk).values().get()
    with pytest.raises(TransitionRefused) as refused:
        publish_outcome(not_yet, by=editor)
    assert refused.value.code == "hearing_not_held"
    assert refused.value.messages == [
        "An outcome cannot be published before its hearing has taken place: Pacific hearing "
        f"is held on {date.day} {date:%B %Y}."
    ]
    assert Outcome.objects.filter(pk=not_yet.pk).values().get() == before
    assert not_yet.history.count() == 1
    assert StatusChange.objects.count() == 0

    publish_outcome(today_there, by=editor)
    assert today_there.status == OutcomeStatus.PUBLISHED


@pytest.mark.parametrize("state", list(OutcomeStatus))
def test_an_outcome_move_off_the_map_is_refused_and_changes_nothing(editor, state):
    outcome = OutcomeFactory(hearing=held_hearing(), status=state)
    (off_the_map,) = set(OutcomeStatus) - OUTCOME_MOVES[state]
    before = Outcome.objects.filter(pk=outcome.pk).values().get()
    with pytest.raises(TransitionRefused) as refused:
        set_outcome_status(outcome, off_the_map, by=editor)
    assert off_the_map == state
    assert refused.value.messages == [f"This outcome document is already {state.label.lower()}."]
    assert Outcome.objects.filter(pk=outcome.pk).values().get() == before
    assert StatusChange.objects.count() == 0


def test_a_whole_row_save_keeps_the_publication_as_stored(editor):
    """What the back office's forms and the API's writes do before saving a hearing or an
    outcome: a stale copy cannot undo a publication, nor make one."""
    hearing = held_hearing(published=False)
    outcome = OutcomeFactory(hearing=hearing, status=OutcomeStatus.DRAFT)
    stale_hearing = Hearing.objects.get(pk=hearing.pk)
    stale_outcome = Outcome.objects.get(pk=outcome.pk)
    publish_hearing(hearing, by=editor)
    publish_outcome(outcome, by=editor)
    stale_hearing.title, stale_outcome.title = "Renamed", "Summary, revised"
    for stale in (stale_hearing, stale_outcome):
        keep_stored_publication(stale)
        stale.save()
    hearing.refresh_from_db()
    outcome.refresh_from_db()
    assert (hearing.title, hearing.published, hearing.published_by) == ("Renamed", True, editor)
    assert (outcome.title, outcome.status, outcome.published_by) == (
        "Summary, revised",
        "published",
        editor,
    )


def test_a_status_change_names_exactly_one_record(violates, editor):
    hearing = held_hearing()
    outcome = OutcomeFactory(hearing=hearing)
    with violates("status_change_of_one_record"):
        StatusChange.objects.create(hearing=hearing, outcome=outcome, new_status="published")
    with violates("status_change_of_one_record"):
        StatusChange.objects.create(new_status="published")


def test_a_draft_hearing_carries_no_publication_stamp(violates, editor):
    hearing = held_hearing(published=False)
    with violates("hearing_draft_not_stamped"):
        Hearing.objects.filter(pk=hearing.pk).update(published_by=editor)
