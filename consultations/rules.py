"""The rules of the public record that pages, forms, services, the API and exports all follow,
each written once: whether a hearing is upcoming, today or past; whether a form's window is open;
how the author of a contribution is credited."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from consultations.enums import HearingStatus, PublicationConsent


def hearing_status(date, time_zone, now=None):
    """Upcoming, today or past, judged by the date at the venue (its IANA `time_zone`), never
    the server's: 11 October in Geneva is already 12 October in Auckland."""
    today = timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(time_zone))
    if date > today:
        return HearingStatus.UPCOMING
    if date == today:
        return HearingStatus.ONGOING
    return HearingStatus.PAST


def current_phase(phases, today=None):
    """The phase of a process under way `today`: the latest one started and not yet ended (a
    phase with no end date lasts until the next one starts). None before the first starts or
    after the last ends. `phases` are in date order."""
    today = today or timezone.localdate()
    started = [phase for phase in phases if phase.starts_on <= today]
    if not started:
        return None
    latest = started[-1]
    return None if latest.ends_on and latest.ends_on < today else latest


def venue_day(date, time_zone):
    """The moments `date` begins and ends at a venue in the IANA `time_zone`: its first local
    midnight and the next. A hearing is upcoming before the first, today until the second, then
    past, which is `hearing_status`; the hearing keeps both (`day_starts`, `day_ends`) so that a
    query compares moments instead of working out each venue's date."""
    zone = zoneinfo.ZoneInfo(time_zone)
    midnight = datetime.time.min
    starts = datetime.datetime.combine(date, midnight, tzinfo=zone)
    ends = datetime.datetime.combine(date + datetime.timedelta(days=1), midnight, tzinfo=zone)
    return starts.astimezone(datetime.UTC), ends.astimezone(datetime.UTC)


def status_condition(statuses, now=None):
    """`hearing_status` as a database condition on the hearing's `day_starts` and `day_ends`
    (`venue_day`), with no query of its own."""
    now = now or timezone.now()
    conditions = {
        HearingStatus.UPCOMING: Q(day_starts__gt=now),
        HearingStatus.ONGOING: Q(day_starts__lte=now, day_ends__gt=now),
        HearingStatus.PAST: Q(day_ends__lte=now),
    }
    condition = Q(pk__in=[])
    for status in statuses:
        condition |= conditions[status]
    return condition


@dataclass(frozen=True)
class Window:
    """A registration or contribution window. It is open from its opening moment until, not
    including, its closing one; without both ends there is no window and the form is closed."""

    opens: datetime.datetime | None
    closes: datetime.datetime | None

    def state(self, at=None):
        """`open`, `upcoming` (it opens later), `closed` (it closed) or `none` (no window)."""
        at = at or timezone.now()
        if self.opens is not None and self.closes is not None and self.opens <= at < self.closes:
            return "open"
        if self.opens is not None and at < self.opens:
            return "upcoming"
        if self.closes is not None and at >= self.closes:
            return "closed"
        return "none"

    def is_open(self, at=None):
        return self.state(at) == "open"

    @staticmethod
    def open_condition(opens, closes, at):
        """The same rule as a database condition on the fields named `opens` and `closes`."""
        return Q(**{f"{opens}__lte": at, f"{closes}__gt": at})


@dataclass(frozen=True)
class Credit:
    """How a contribution's author is shown: a name only under the `named` consent, an
    organization under `named` or `organization` (the register's entry where one was matched,
    else the name as the author typed it), nothing under `anonymous`."""

    name: str = ""
    organization_name: str = ""
    organization_slug: str = ""

    @property
    def anonymous(self):
        return not self.name and not self.organization_name


# The consents that credit the author (an enum's `values` is rebuilt on every read).
CREDITING_CONSENTS = frozenset(PublicationConsent.values) - {PublicationConsent.ANONYMOUS}


def credit(consent, author_name, organization_slug, organization_name, typed_organization=""):
    if consent not in CREDITING_CONSENTS:
        return Credit()
    return Credit(
        name=author_name if consent == PublicationConsent.NAMED else "",
        organization_name=organization_name or typed_organization or "",
        organization_slug=organization_slug or "",
    )


def credit_of(contribution, as_given=False):
    """The credit of a contribution whose organization was loaded with it; `as_given` (for
    staff) ignores the consent."""
    organization = contribution.organization
    return credit(
        PublicationConsent.NAMED if as_given else contribution.consent,
        contribution.author_name,
        organization.slug if organization else "",
        organization.name if organization else "",
        contribution.organization_name,
    )
