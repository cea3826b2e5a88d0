"""The back office dashboard: one line per hearing that is coming or still open."""

from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.enums import ContributionStatus, HearingStatus, RegistrationStatus
from consultations.models import Contribution, Hearing, Registration
from consultations.rules import Window, status_condition

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
    open_window = Window.open_condition(
        "registration_opens", "registration_closes", now
    ) | Window.open_condition("contributions_open", "contributions_close", now)
    not_past = status_condition([HearingStatus.UPCOMING, HearingStatus.ONGOING], now)
    hearings = (
        Hearing.objects.filter(not_past | open_window)
        .select_related("process")
        .annotate(
            pending=counted(Registration.objects.filter(status=RegistrationStatus.PENDING)),
            approved=counted(Registration.objects.filter(status=RegistrationStatus.APPROVED)),
            arrived=counted(
                Registration.objects.filter(
                    status=RegistrationStatus.APPROVED, checked_in_at__isnull=False
                )
            ),
            awaiting=counted(
                Contribution.objects.filter(status__in=ContributionStatus.awaiting_review())
            ),
        )
        .order_by("date", "title")
    )
    rows = []
    for hearing in hearings:
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
