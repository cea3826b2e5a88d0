"""The back office dashboard: one line per hearing that is coming or still open."""

import datetime

from django import template
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.enums import ContributionStatus, RegistrationStatus
from consultations.models import Contribution, Hearing, Registration

register = template.Library()


def counted(queryset):
    """A correlated count per hearing, so the dashboard's cost does not grow with the records."""
    return Coalesce(
        Subquery(
            queryset.filter(hearing=OuterRef("pk"))
            .order_by()
            .values("hearing")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )


def dashboard_hearings():
    """Hearings not yet past at their venue, or whose registration or contribution window is
    open now, soonest first, with what awaits the secretariat. One query."""
    now = timezone.now()
    # A day's margin either side of UTC; each hearing then judges "past" in its own zone.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    hearings = (
        Hearing.objects.filter(
            Q(date__gte=yesterday)
            | Q(registration_opens__lte=now, registration_closes__gt=now)
            | Q(contributions_open__lte=now, contributions_close__gt=now)
        )
        .select_related("process")
        .annotate(
            pending=counted(Registration.objects.filter(status=RegistrationStatus.PENDING)),
            approved=counted(Registration.objects.filter(status=RegistrationStatus.APPROVED)),
            awaiting=counted(
                Contribution.objects.filter(status__in=ContributionStatus.awaiting_review())
            ),
        )
        .order_by("date", "title")
    )
    rows = []
    for hearing in hearings:
        if hearing.date < hearing.local_today() and not (
            hearing.accepts_registrations(now) or hearing.accepts_contributions(now)
        ):
            continue
        hearing.seats_left = (
            None if hearing.capacity is None else max(hearing.capacity - hearing.approved, 0)
        )
        rows.append(hearing)
    return rows


@register.simple_tag(takes_context=True)
def upcoming_hearings(context):
    user = context["request"].user
    if not user.has_perm("consultations.view_hearing"):
        return []
    return dashboard_hearings()
