import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from consultations import services
from consultations.enums import RegistrationStatus, SegmentKind, SpeakerState
from consultations.floor import balance, public_state
from consultations.models import Intervention, SpeakerRequest
from consultations.statistics import who_was_heard
from consultations.tests.factories import RegistrationFactory, SegmentFactory
from consultations.tests.floor_support import approved
from stakeholders.enums import StakeholderCategory

pytestmark = pytest.mark.django_db


def queue(floor_list):
    return list(
        floor_list.requests.filter(state=SpeakerState.WAITING)
        .order_by("position")
        .values_list("registration__name", flat=True)
    )


def test_requests_queue_in_order_with_organization_and_category(floor_segment):
    amina = approved(floor_segment, "Amina", category=StakeholderCategory.TRADE_UNION)
    services.request_floor(amina, floor_segment)
    services.request_floor(approved(floor_segment, "Bruno"), floor_segment)
    floor_list = floor_segment.floor_list
    assert queue(floor_list) == ["Amina", "Bruno"]
    first = floor_list.requests.get(registration=amina)
    assert (first.organization_id, first.category, first.limit_seconds) == (
        amina.organization_id,
        StakeholderCategory.TRADE_UNION,
        180,
    )


def test_request_from_cancelled_registration_refused(floor_segment):
    registration = approved(floor_segment, "Amina")
    registration.status = RegistrationStatus.CANCELLED
    registration.save()
    with pytest.raises(services.TransitionRefused) as refused:
        services.request_floor(registration, floor_segment)
    assert refused.value.code == "registration_not_approved"
    assert SpeakerRequest.objects.count() == 0


def test_request_refused_twice_closed_other_hearing_and_unmatched(floor_segment, editor):
    amina = approved(floor_segment, "Amina")
    services.request_floor(amina, floor_segment)
    with pytest.raises(services.TransitionRefused, match="already on the speakers' list"):
        services.request_floor(amina, floor_segment)
    services.set_floor_list_open(floor_segment.floor_list, False, by=editor)
    with pytest.raises(services.TransitionRefused, match="closed to new requests"):
        services.request_floor(approved(floor_segment, "Bruno"), floor_segment)
    # Staff may still add someone to a list closed to new requests.
    services.request_floor(approved(floor_segment, "Chen"), floor_segment, by=editor)
    elsewhere = RegistrationFactory(status=RegistrationStatus.APPROVED, decided_at=timezone.now())
    with pytest.raises(services.TransitionRefused, match="another hearing"):
        services.request_floor(elsewhere, floor_segment, by=editor)
    unmatched = approved(floor_segment, "Dana")
    unmatched.organization = None
    unmatched.save()
    with pytest.raises(services.TransitionRefused, match="not yet matched"):
        services.request_floor(unmatched, floor_segment, by=editor)
    assert queue(floor_segment.floor_list) == ["Amina", "Chen"]


def test_only_interactive_segments_have_a_list(db):
    panel = SegmentFactory(kind=SegmentKind.PANEL, order=1, title="Panel")
    with pytest.raises(services.TransitionRefused):
        services.floor_list_for(panel)


def test_reorder_give_finish_skip_and_withdraw(floor_segment, editor):
    names = ["Amina", "Bruno", "Chen", "Dana"]
    requests = [services.request_floor(approved(floor_segment, n), floor_segment) for n in names]
    floor_list = floor_segment.floor_list
    services.move_floor_request(requests[2], -1, by=editor)
    assert queue(floor_list) == ["Amina", "Chen", "Bruno", "Dana"]
    services.move_floor_request(requests[0], 1, by=editor)
    assert queue(floor_list) == ["Chen", "Amina", "Bruno", "Dana"]
    # Past the end stays at the end.
    services.move_floor_request(requests[3], 5, by=editor)
    assert queue(floor_list) == ["Chen", "Amina", "Bruno", "Dana"]

    speaking = services.give_floor(floor_list, by=editor)
    assert speaking.registration.name == "Chen"
    assert speaking.started_at is not None
    services.skip_floor_request(requests[0], by=editor)
    services.withdraw_floor_request(requests[1], registration=requests[1].registration)
    # Giving the floor to the next one ends the speaker's time.
    services.give_floor(floor_list, requests[3], by=editor)
    states = dict(floor_list.requests.values_list("registration__name", "state"))
    assert states == {
        "Amina": SpeakerState.NOT_REACHED,
        "Bruno": SpeakerState.WITHDRAWN,
        "Chen": SpeakerState.DONE,
        "Dana": SpeakerState.SPEAKING,
    }
    services.finish_speaker(floor_list, by=editor)
    with pytest.raises(services.TransitionRefused, match="Nobody has the floor"):
        services.finish_speaker(floor_list, by=editor)
    with pytest.raises(services.TransitionRefused, match="Nobody is waiting"):
        services.give_floor(floor_list, by=editor)


def test_withdraw_only_own_and_waiting_request(floor_segment):
    amina, bruno = approved(floor_segment, "Amina"), approved(floor_segment, "Bruno")
    request = services.request_floor(amina, floor_segment)
    with pytest.raises(services.TransitionRefused, match="not yours"):
        services.withdraw_floor_request(request, registration=bruno)
    services.give_floor(floor_segment.floor_list)
    with pytest.raises(services.TransitionRefused):
        services.withdraw_floor_request(request, registration=amina)


def test_two_reorders_end_in_one_consistent_order(floor_segment, editor):
    """Two chairs each move someone up from screens showing the same queue: the list's lock
    makes the second move run on the first one's result, so positions stay a permutation."""
    requests = [services.request_floor(approved(floor_segment, n), floor_segment) for n in "ABCD"]
    stale_c, stale_d = requests[2], requests[3]
    services.move_floor_request(stale_c, -1, by=editor)
    services.move_floor_request(stale_d, -1, by=editor)
    assert queue(floor_segment.floor_list) == ["A", "C", "D", "B"]
    positions = list(floor_segment.floor_list.requests.values_list("position", flat=True))
    assert len(set(positions)) == 4


def test_speaking_time_default_and_per_speaker(floor_segment, editor):
    first = services.request_floor(approved(floor_segment, "Amina"), floor_segment)
    services.set_speaking_time(floor_segment.floor_list, 120, by=editor)
    first.refresh_from_db()
    assert first.limit_seconds == 120
    assert (
        services.request_floor(approved(floor_segment, "Bruno"), floor_segment).limit_seconds == 120
    )
    services.set_speaking_time(floor_segment.floor_list, 300, request=first, by=editor)
    first.refresh_from_db()
    assert first.limit_seconds == 300
    with pytest.raises(services.TransitionRefused, match="between 10 seconds and 60 minutes"):
        services.set_speaking_time(floor_segment.floor_list, 5, by=editor)


def test_public_state_hides_unlisted_names_and_emails(floor_segment):
    listed = approved(floor_segment, "Amina")
    unlisted = approved(floor_segment, "Bruno", listed_publicly=False)
    services.request_floor(listed, floor_segment)
    services.request_floor(unlisted, floor_segment)
    services.give_floor(floor_segment.floor_list)
    state = public_state(floor_segment.hearing_id)
    assert state["speaking"]["name"] == "Amina"
    assert [s["name"] for s in state["waiting"]] == [None]
    assert state["waiting"][0]["organization"] == "Bruno's organization"
    assert "@" not in str(state)
    started = datetime.datetime.fromisoformat(state["speaking"]["started_at"])
    ends = datetime.datetime.fromisoformat(state["speaking"]["ends_at"])
    assert ends - started == datetime.timedelta(seconds=180)


def test_public_state_queries_do_not_grow_with_the_queue(floor_segment, django_assert_num_queries):
    services.request_floor(approved(floor_segment, "Amina"), floor_segment)
    # 1 the current list with its floor_segment, 2 its queue with registrations and organizations.
    with django_assert_num_queries(2):
        public_state(floor_segment.hearing_id)
    for name in ["Bruno", "Chen", "Dana", "Emeka", "Farah"]:
        services.request_floor(approved(floor_segment, name), floor_segment)
    with django_assert_num_queries(2):
        public_state(floor_segment.hearing_id)


def speak(floor_list, request, seconds):
    """Give the floor and finish, then record that the speaker spoke `seconds`."""
    services.give_floor(floor_list, request)
    services.finish_speaker(floor_list)
    SpeakerRequest.objects.filter(pk=request.pk).update(seconds_spoken=seconds)


def test_ending_the_list_records_interventions_counted_in_who_was_heard(floor_segment, editor):
    kenya = approved(floor_segment, "Amina", country="KE")
    nigeria = approved(floor_segment, "Bruno", country="NG", listed_publicly=False)
    un = approved(floor_segment, "Chen", category=StakeholderCategory.UN_SYSTEM)
    late = approved(floor_segment, "Dana")
    requests = [services.request_floor(r, floor_segment) for r in (kenya, nigeria, un, late)]
    floor_list = floor_segment.floor_list
    speak(floor_list, requests[1], 150)
    speak(floor_list, requests[0], 240)
    speak(floor_list, requests[2], 90)

    figures = balance(floor_list)
    assert figures.speakers == 3
    assert figures.minutes == 8
    # Civil society counts as Not stated by region: only States take their country's region.
    assert [(r.label, r.requests, r.speakers, r.minutes) for r in figures.by_region] == [
        ("International", 1, 1, 2),
        ("Not stated", 3, 2, 6),
    ]
    assert [(str(r.label), r.speakers) for r in figures.by_category] == [
        ("United Nations system entity", 1),
        ("Civil society organization", 2),
    ]

    services.end_floor_list(floor_list, by=editor)
    interventions = list(
        Intervention.objects.filter(segment=floor_segment).values_list(
            "order", "organization__name", "speaker_name", "seconds_spoken"
        )
    )
    assert interventions == [
        (1, "Bruno's organization", "", 150),
        (2, "Amina's organization", "Amina", 240),
        (3, "Chen's organization", "Chen", 90),
    ]
    requests[3].refresh_from_db()
    assert requests[3].state == SpeakerState.NOT_REACHED
    statistics = who_was_heard(floor_segment.hearing)
    assert statistics.heard == 3
    by_role = next(t for t in statistics.tables if t.key == "role")
    assert [(str(row.label), row.cells) for row in by_role.rows] == [("Floor interventions", [3])]
    by_region = next(t for t in statistics.tables if t.key == "region")
    assert [str(c) for c in by_region.columns] == [
        "People heard",
        "Approved registrations",
        "Minutes from the floor",
    ]
    # Registrants gave no country here: Not stated, but for the UN entity's, International.
    assert [(str(row.label), row.cells) for row in by_region.rows] == [
        ("International", [1, 1, 2]),
        ("Not stated", [2, 3, 6]),
    ]
    assert by_region.totals == [3, 4, 8]
    with pytest.raises(services.TransitionRefused, match="has ended"):
        services.give_floor(floor_list)


@pytest.mark.django_db(transaction=True)
def test_two_chairs_reordering_at_the_same_moment_both_land(floor_segment, editor):
    """Two threads (two requests of two chairs) move different people up at the same moment.
    The list's row lock queues the second behind the first: both moves apply, and the positions
    stay one order. Without it, both read the same queue and collide on a position."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database: no two writers to race")
    requests = [services.request_floor(approved(floor_segment, n), floor_segment) for n in "ABCDE"]
    barrier = threading.Barrier(2)
    errors = []

    def move(request):
        try:
            barrier.wait()
            services.move_floor_request(request, -1, by=editor)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(r,)) for r in (requests[2], requests[4])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert queue(floor_segment.floor_list) == ["A", "C", "B", "E", "D"]
