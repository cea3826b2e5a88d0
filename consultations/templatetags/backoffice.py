"""The back office dashboard: one line per hearing that is coming or still open, the models
grouped by the day's work, and the latest decisions."""

from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from consultations.enums import ContributionStatus, HearingStatus, RegistrationStatus
from consultations.models import Contribution, Hearing, Registration, StatusChange
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
            waitlisted=counted(Registration.objects.filter(status=RegistrationStatus.WAITLISTED)),
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
        hearing.closing = closing_dates(hearing, now)
        rows.append(hearing)
    return rows


def closing_dates(hearing, now):
    """The windows still to close, as (what, when at the venue with its zone), soonest first."""
    windows = [
        (_("registration"), hearing.registration_closes),
        (_("contributions"), hearing.contributions_close),
    ]
    return [
        (what, date_format(timezone.localtime(when, hearing.zone), "j M, H:i T"))
        for what, when in sorted(
            ((what, when) for what, when in windows if when and when > now),
            key=lambda window: window[1],
        )
    ]


@register.simple_tag(takes_context=True)
def upcoming_hearings(context):
    user = context["request"].user
    if not user.has_perm("consultations.view_hearing"):
        return []
    return dashboard_hearings()


# The dashboard's sections, in the order of a hearing day's work: the models each one holds, by
# "app_label.model_name". Models not named here (a new one) come last, under "Everything else".
WORK_SECTIONS = [
    (
        _("Decisions of the day"),
        [
            "consultations.registration",
            "consultations.contribution",
            "consultations.outgoingemail",
            "consultations.statuschange",
        ],
    ),
    (
        _("On the hearing day"),
        ["consultations.floorlist", "consultations.speakerrequest"],
    ),
    (
        _("Hearings and their programme"),
        [
            "consultations.hearing",
            "consultations.segment",
            "consultations.subdiscussion",
            "consultations.participation",
            "consultations.intervention",
            "consultations.accreditationrule",
            "consultations.process",
        ],
    ),
    (
        _("Outcomes"),
        ["consultations.outcome", "consultations.keymessage"],
    ),
    (
        _("Who takes part"),
        [
            "stakeholders.organization",
            "stakeholders.person",
        ],
    ),
    (
        _("Translations"),
        [
            "consultations.hearingtranslation",
            "consultations.segmenttranslation",
            "consultations.subdiscussiontranslation",
            "consultations.keymessagetranslation",
        ],
    ),
]
EVERYTHING_ELSE = _("Everything else")


@register.simple_tag
def work_sections(app_list):
    """The admin's `app_list` (what this user may see) regrouped into `WORK_SECTIONS`: a list of
    (title, models), empty sections left out."""
    placed = {
        model: index for index, (_title, models) in enumerate(WORK_SECTIONS) for model in models
    }
    sections = [[] for _section in WORK_SECTIONS]
    rest = []
    for app in app_list:
        for model in app["models"]:
            key = model_key(model)
            if key in placed:
                sections[placed[key]].append(model)
            else:
                rest.append(model)
    order = {
        model: position for _title, models in WORK_SECTIONS for position, model in enumerate(models)
    }
    titled = [
        (title, sorted(models, key=lambda m: order[model_key(m)]))
        for (title, _names), models in zip(WORK_SECTIONS, sections, strict=True)
    ]
    titled.append((EVERYTHING_ELSE, rest))
    return [(title, models) for title, models in titled if models]


def model_key(model):
    return f"{model['model']._meta.app_label}.{model['model']._meta.model_name}"


RECENT_DECISIONS = 10


@register.simple_tag(takes_context=True)
def recent_decisions(context):
    """The latest status changes, whoever made them (a decision, a publication, a registrant's
    cancellation): the admin's own "recent actions" list only knows form saves. One query."""
    user = context["request"].user
    if not user.has_perm("consultations.view_statuschange"):
        return []
    return list(
        StatusChange.objects.select_related(
            "registration", "contribution", "hearing", "outcome", "changed_by"
        ).order_by("-changed_at", "-pk")[:RECENT_DECISIONS]
    )


def staff_name(user):
    return user.get_full_name() or user.get_username()


@register.simple_tag
def history_author(record):
    """Who made a version: the staff member by name, else the public (a version without a staff
    member came through the public form, a status link, or the site itself)."""
    if record.history_user_id is not None and record.history_user is not None:
        return staff_name(record.history_user)
    if record.history_type == "+":
        return _("Submitted by the public")
    return _("Not a staff member: the person concerned, through their link, or the site")
