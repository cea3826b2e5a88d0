"""What happened to the records staff decide, and the emails that tell people about it."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.enums import (
    ContributionStatus,
    EmailState,
    HearingPublication,
    OutcomeStatus,
    RegistrationStatus,
)
from consultations.querysets import OutgoingEmailQuerySet

# The records a status change can be about; it names exactly one of them.
RECORD_FIELDS = ["registration", "contribution", "hearing", "outcome"]
# The statuses of each kind, whose labels the history shows rather than the stored codes.
STATUSES = {
    "registration": RegistrationStatus,
    "contribution": ContributionStatus,
    "hearing": HearingPublication,
    "outcome": OutcomeStatus,
}


def names_exactly_one(fields):
    return reduce(
        or_, (Q(**{f"{field}__isnull": field != named for field in fields}) for named in fields)
    )


class StatusChange(models.Model):
    """One move of a registration, a contribution, a hearing or an outcome from one status to
    another (a hearing's are draft and published): who made it, when, and why. Written by the
    service functions only, in the same transaction as the move.

    One log for the four kinds rather than a sibling table for publications: the back office
    reads what happened in one list, and every service writes the same row the same way."""

    registration = models.ForeignKey(
        "consultations.Registration",
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    contribution = models.ForeignKey(
        "consultations.Contribution",
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    hearing = models.ForeignKey(
        "consultations.Hearing",
        verbose_name=_("hearing"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    outcome = models.ForeignKey(
        "consultations.Outcome",
        verbose_name=_("outcome document"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    previous_status = models.CharField(_("from"), max_length=12)
    new_status = models.CharField(_("to"), max_length=12)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Empty when the registrant or author made the change: through the public form, or "
            "through their status link."
        ),
    )
    through_status_link = models.BooleanField(
        _("through the status link"),
        default=False,
        help_text=_(
            "Made by the registrant or author through the signed link emailed to them, never by "
            "staff, even when someone from the secretariat was logged in in the same browser."
        ),
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=names_exactly_one(RECORD_FIELDS),
                name="status_change_of_one_record",
                violation_error_message=_(
                    "A status change belongs to one registration, contribution, hearing or "
                    "outcome document."
                ),
            ),
            models.CheckConstraint(
                condition=Q(through_status_link=False) | Q(changed_by__isnull=True),
                name="status_change_through_link_by_nobody",
                violation_error_message=_(
                    "A change made through a status link is the registrant's or author's, not a "
                    "staff member's."
                ),
            ),
        ]

    def __str__(self):
        return self.moved()

    def status_label(self, value):
        kind = next((field for field in RECORD_FIELDS if getattr(self, f"{field}_id")), None)
        return dict(STATUSES[kind].choices).get(value, value) if kind else value

    @property
    def previous_status_label(self):
        return self.status_label(self.previous_status)

    @property
    def new_status_label(self):
        return self.status_label(self.new_status)

    def moved(self):
        """The move in words: "Pending → Approved", or "New: Submitted" for a record's first."""
        if not self.previous_status:
            return _("New: %(status)s") % {"status": self.new_status_label}
        return f"{self.previous_status_label} → {self.new_status_label}"

    @property
    def record(self):
        return next(
            (getattr(self, field) for field in RECORD_FIELDS if getattr(self, f"{field}_id")),
            None,
        )

    def made_by(self):
        """Who made the change, in words: a staff member, or the person themselves through the
        public form or their status link. Empty only for a staff account deleted since."""
        if self.through_status_link:
            if self.registration_id:
                return _("The registrant, through their status link")
            return _("The author, through their status link")
        if self.changed_by_id is not None:
            return self.changed_by.get_full_name() or str(self.changed_by)
        if not self.previous_status:
            if self.registration_id:
                return _("The registrant, through the public form")
            return _("The author, through the public form")
        return ""


class OutgoingEmail(models.Model):
    """An email written in the same transaction as the change it reports, and sent after commit.
    When the mail server fails the email stays here, and `send_pending_emails` tries again, so
    nobody misses a decision because the server was down for a minute; after `MAX_ATTEMPTS`
    refusals it is failed, for staff to look into, and no longer tried."""

    # With cron every few minutes, five tries span a mail server's short outage; an address
    # refused five times will not be accepted on the sixth.
    MAX_ATTEMPTS = 5

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    held_until = models.DateTimeField(
        _("held until"),
        null=True,
        blank=True,
        help_text=_("A decision email is not sent before then, unless staff send it now."),
    )
    cancelled_at = models.DateTimeField(
        _("cancelled"),
        null=True,
        blank=True,
        help_text=_("Its decision was taken back before it was sent: it will never be sent."),
    )
    status_change = models.ForeignKey(
        StatusChange,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        help_text=_("The decision this email tells the person about."),
    )

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            # send_pending_emails: what is still to send, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="outgoing_email_pending",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def state(self):
        if self.sent_at is not None:
            return EmailState.SENT
        if self.cancelled_at is not None:
            return EmailState.CANCELLED
        if self.attempts >= self.MAX_ATTEMPTS:
            return EmailState.FAILED
        if self.held_until is not None and self.held_until > timezone.now():
            return EmailState.HELD
        return EmailState.PENDING
