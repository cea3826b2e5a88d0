"""The live speakers' list of an interactive segment: who asked for the floor, in which order,
who speaks now and since when. The database is the truth; the WebSocket only tells screens that
it changed."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.enums import SpeakerState
from consultations.models.constraints import choice_constraint
from stakeholders.enums import StakeholderCategory

DEFAULT_LIMIT_SECONDS = 3 * 60


class FloorList(models.Model):
    """One per interactive segment, made when staff first open its console."""

    segment = models.OneToOneField(
        "consultations.Segment",
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="floor_list",
    )
    is_open = models.BooleanField(
        _("open to requests"),
        default=True,
        help_text=_("Whether participants may still ask for the floor."),
    )
    default_limit_seconds = models.PositiveIntegerField(
        _("speaking time (seconds)"), default=DEFAULT_LIMIT_SECONDS
    )
    ended_at = models.DateTimeField(
        _("ended at"),
        null=True,
        blank=True,
        help_text=_("When the chair ended the list and the floor taken became interventions."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("speakers' list")
        verbose_name_plural = _("speakers' lists")
        permissions = [("run_floor", _("Can run the floor (the chair's console)"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_limit_seconds__gte=10),
                name="floor_list_limit_positive",
                violation_error_message=_("Give each speaker at least ten seconds."),
            ),
        ]

    def __str__(self):
        return str(self.segment)


class SpeakerRequest(models.Model):
    """A request to take the floor, with the speaker's organization and category as they were
    when the request was made, and the time they spoke."""

    floor_list = models.ForeignKey(
        FloorList,
        verbose_name=_("speakers' list"),
        on_delete=models.CASCADE,
        related_name="requests",
    )
    registration = models.ForeignKey(
        "consultations.Registration",
        verbose_name=_("registration"),
        on_delete=models.PROTECT,
        related_name="speaker_requests",
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("speaking for"),
        on_delete=models.PROTECT,
        related_name="speaker_requests",
    )
    category = models.CharField(
        _("stakeholder category"), max_length=20, choices=StakeholderCategory.choices
    )
    position = models.PositiveIntegerField(_("place in the queue"))
    state = models.CharField(
        _("state"), max_length=12, choices=SpeakerState.choices, default=SpeakerState.WAITING
    )
    limit_seconds = models.PositiveIntegerField(_("speaking time (seconds)"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("took the floor at"), null=True, blank=True)
    seconds_spoken = models.PositiveIntegerField(_("seconds spoken"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the registrant asked from their status page."),
    )

    class Meta:
        verbose_name = _("request to speak")
        verbose_name_plural = _("requests to speak")
        ordering = ["floor_list", "position"]
        constraints = [
            choice_constraint(
                "state", SpeakerState, "speaker_request_state_valid", _("Choose a state.")
            ),
            models.UniqueConstraint(
                fields=["floor_list", "registration"],
                condition=Q(state__in=SpeakerState.queued()),
                name="speaker_request_once_in_queue",
                violation_error_message=_("This person is already on the speakers' list."),
            ),
            models.UniqueConstraint(
                fields=["floor_list"],
                condition=Q(state=SpeakerState.SPEAKING),
                name="speaker_request_one_speaking",
                violation_error_message=_("Someone already has the floor."),
            ),
            models.UniqueConstraint(
                fields=["floor_list", "position"],
                name="speaker_request_position_unique",
                violation_error_message=_("This place in the queue is taken."),
            ),
        ]
        # The unique (floor_list, position) index serves the queue in order, the public state.

    def __str__(self):
        return f"{self.registration.name} ({self.get_state_display()})"

    @property
    def ends_at(self):
        """When the speaker's time is up, by the server's clock that every screen counts on."""
        if self.started_at is None:
            return None
        return self.started_at + datetime.timedelta(seconds=self.limit_seconds)

    @property
    def limit_minutes(self):
        return f"{self.limit_seconds / 60:g}"
