"""The rules written once in `consultations.rules`: a hearing's status at its venue, a form's
window, an author's credit; and the database conditions that must agree with them."""

import datetime
import io

import pytest
from django.core.management import call_command

from consultations.enums import HearingStatus, PublicationConsent
from consultations.models import Hearing
from consultations.rules import Window, credit, hearing_status, venue_day
from consultations.tests.factories import HearingFactory

UTC = datetime.UTC
# Zones a day apart at most moments, and the odd offsets (+05:45, +12:45, -09:30).
ZONES = [
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Pacific/Chatham",
    "Pacific/Marquesas",
    "Asia/Kathmandu",
    "Europe/Zurich",
    "America/New_York",
    "UTC",
]


def test_status_is_judged_at_the_venue():
    # 23:30 UTC on 11 October: still the 11th in New York, already the 12th in Auckland.
    now = datetime.datetime(2017, 10, 11, 23, 30, tzinfo=UTC)
    hearing_day = datetime.date(2017, 10, 11)
    assert hearing_status(hearing_day, "America/New_York", now) == HearingStatus.ONGOING
    assert hearing_status(hearing_day, "Pacific/Auckland", now) == HearingStatus.PAST
    assert hearing_status(hearing_day, "Pacific/Pago_Pago", now) == HearingStatus.ONGOING
    next_day = datetime.date(2017, 10, 12)
    assert hearing_status(next_day, "America/New_York", now) == HearingStatus.UPCOMING
    assert hearing_status(next_day, "Europe/Zurich", now) == HearingStatus.ONGOING  # 01:30


@pytest.mark.django_db
def test_the_database_condition_agrees_with_the_rule_in_every_zone_around_the_clock():
    base = datetime.date(2026, 12, 1)
    hearings = [
        HearingFactory(time_zone=zone, date=base + datetime.timedelta(days=offset))
        for zone in ZONES
        for offset in range(-2, 3)
    ]
    start = datetime.datetime(2026, 11, 30, 12, 7, tzinfo=UTC)
    for step in range(0, 48 * 60, 45):  # every 45 minutes over two days
        now = start + datetime.timedelta(minutes=step)
        for status in HearingStatus:
            found = set(Hearing.objects.in_status(status, now=now).values_list("pk", flat=True))
            expected = {
                hearing.pk
                for hearing in hearings
                if hearing_status(hearing.date, hearing.time_zone, now) == status
            }
            assert found == expected, (now, status)


def test_the_venue_day_begins_at_the_first_moment_of_its_date_even_when_midnight_is_skipped():
    # Havana moved its clocks from 00:00 to 01:00 on 8 March 2026: the 8th began at 05:00 UTC.
    starts, ends = venue_day(datetime.date(2026, 3, 8), "America/Havana")
    assert starts == datetime.datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert ends == datetime.datetime(2026, 3, 9, 4, tzinfo=UTC)  # a 23-hour day
    for moment, status in [
        (starts - datetime.timedelta(seconds=1), HearingStatus.UPCOMING),
        (starts, HearingStatus.ONGOING),
        (ends - datetime.timedelta(seconds=1), HearingStatus.ONGOING),
        (ends, HearingStatus.PAST),
    ]:
        assert hearing_status(datetime.date(2026, 3, 8), "America/Havana", moment) == status


@pytest.mark.django_db
def test_the_venue_day_follows_an_edit_of_the_date_or_the_time_zone():
    hearing = HearingFactory(date=datetime.date(2026, 12, 1), time_zone="UTC")
    hearing.date, hearing.time_zone = datetime.date(2026, 12, 5), "Pacific/Kiritimati"
    hearing.save(update_fields=["date", "time_zone"])
    hearing.refresh_from_db()
    # Kiritimati is 14 hours ahead of UTC: its 5 December begins at 10:00 UTC on the 4th.
    assert hearing.day_starts == datetime.datetime(2026, 12, 4, 10, tzinfo=UTC)
    assert hearing.day_ends == datetime.datetime(2026, 12, 5, 10, tzinfo=UTC)
    ongoing = Hearing.objects.in_status(
        HearingStatus.ONGOING, now=datetime.datetime(2026, 12, 4, 12, tzinfo=UTC)
    )
    assert list(ongoing) == [hearing]


def test_a_window_is_open_from_its_opening_until_not_including_its_closing():
    opens = datetime.datetime(2030, 1, 1, 9, tzinfo=UTC)
    closes = datetime.datetime(2030, 1, 2, 9, tzinfo=UTC)
    window = Window(opens, closes)
    second = datetime.timedelta(seconds=1)
    assert window.state(opens - second) == "upcoming"
    assert window.state(opens) == "open"
    assert window.state(closes - second) == "open"
    assert window.state(closes) == "closed"
    assert Window(None, closes).state(opens) == "none"
    assert Window(opens, None).state(closes) == "none"
    assert Window(opens, None).state(opens - second) == "upcoming"
    assert not Window(None, None).is_open(opens)


@pytest.mark.django_db
def test_the_database_window_condition_agrees_with_the_rule():
    opens = datetime.datetime(2030, 1, 1, 9, tzinfo=UTC)
    closes = datetime.datetime(2030, 1, 2, 9, tzinfo=UTC)
    HearingFactory(registration_opens=opens, registration_closes=closes)
    condition = Window.open_condition("registration_opens", "registration_closes", closes)
    second = datetime.timedelta(seconds=1)
    for moment in (opens - second, opens, closes - second, closes):
        shown = Hearing.objects.filter(
            Window.open_condition("registration_opens", "registration_closes", moment)
        ).exists()
        assert shown == Window(opens, closes).is_open(moment), moment
    assert not Hearing.objects.filter(condition).exists()


@pytest.mark.parametrize(
    ("consent", "expected"),
    [
        (PublicationConsent.NAMED, ("Amina Diallo", "Migrant Voices", "migrant-voices")),
        (PublicationConsent.ORGANIZATION, ("", "Migrant Voices", "migrant-voices")),
        (PublicationConsent.ANONYMOUS, ("", "", "")),
    ],
)
def test_credit_follows_the_consent(consent, expected):
    shown = credit(consent, "Amina Diallo", "migrant-voices", "Migrant Voices", "MV typed")
    assert (shown.name, shown.organization_name, shown.organization_slug) == expected
    assert shown.anonymous == (consent == PublicationConsent.ANONYMOUS)


def test_an_organization_typed_but_not_matched_is_credited_as_typed():
    shown = credit(PublicationConsent.ORGANIZATION, "Amina", "", "", "Réseau Migrants")
    assert (shown.name, shown.organization_name, shown.organization_slug) == (
        "",
        "Réseau Migrants",
        "",
    )
    assert not shown.anonymous
    assert credit(PublicationConsent.ANONYMOUS, "Amina", "", "", "Réseau Migrants").anonymous


@pytest.mark.django_db
def test_refresh_venue_days_corrects_a_day_worked_out_under_older_time_zone_rules():
    hearing = HearingFactory(date=datetime.date(2026, 12, 1), time_zone="Europe/Zurich")
    kept = HearingFactory(date=datetime.date(2026, 12, 2), time_zone="UTC")
    stale = datetime.datetime(2026, 11, 30, 22, tzinfo=UTC)  # as if Zurich were at +02:00
    Hearing.objects.filter(pk=hearing.pk).update(day_starts=stale)
    output = io.StringIO()
    call_command("refresh_venue_days", stdout=output)
    hearing.refresh_from_db()
    assert hearing.day_starts == datetime.datetime(2026, 11, 30, 23, tzinfo=UTC)
    assert Hearing.objects.get(pk=kept.pk).day_starts == datetime.datetime(2026, 12, 2, tzinfo=UTC)
    assert output.getvalue() == "1 hearing(s) had their day at the venue corrected.\n"
