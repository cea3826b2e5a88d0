from django.db import models
from django.utils.translation import gettext_lazy as _


class UNLanguage(models.TextChoices):
    """The six official languages of the United Nations, in which outcome texts may be held."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


class TranslationStatus(models.TextChoices):
    ORIGINAL = "original", _("Original")
    MACHINE = "machine", _("Machine translation")
    VERIFIED = "verified", _("Verified translation")


class HearingStatus(models.TextChoices):
    """Derived from the hearing's date, never stored."""

    UPCOMING = "upcoming", _("Upcoming")
    ONGOING = "ongoing", _("Today")
    PAST = "past", _("Past")


class SegmentKind(models.TextChoices):
    OPENING = "opening", _("Opening segment")
    PANEL = "panel", _("Panel")
    INTERACTIVE = "interactive", _("Interactive discussion")
    REMARKS = "remarks", _("Remarks")
    CLOSING = "closing", _("Closing segment")


class ParticipationRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MODERATOR = "moderator", _("Moderator")
    PANELLIST = "panellist", _("Panellist")
    SPEAKER = "speaker", _("Speaker")
    CO_FACILITATOR = "co_facilitator", _("Co-facilitator")

    @property
    def plural_label(self):
        return {
            self.CHAIR: _("Chairs"),
            self.MODERATOR: _("Moderators"),
            self.PANELLIST: _("Panellists"),
            self.SPEAKER: _("Speakers"),
            self.CO_FACILITATOR: _("Co-facilitators"),
        }[self]


class InterfaceLanguage(models.TextChoices):
    """The languages the interface speaks, and so the languages of the emails a person gets."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def decided(cls):
        """Statuses a staff member sets, which therefore record who decided and when."""
        return [cls.APPROVED, cls.WAITLISTED, cls.REJECTED]

    @classmethod
    def active(cls):
        """Registrations that still hold or wait for a seat: the registrant may cancel them."""
        return [cls.PENDING, cls.APPROVED, cls.WAITLISTED]


class ContributionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def public(cls):
        return [cls.PUBLISHED]

    @classmethod
    def awaiting_review(cls):
        """The moderation queue; also what an author may still withdraw."""
        return [cls.SUBMITTED, cls.UNDER_REVIEW]


# The one map of allowed moves for each record that staff decide: every service checks it, so the
# admin, the public forms and the API refuse the same things. A move back to pending or to review
# clears the stale decision.
REGISTRATION_MOVES = {
    RegistrationStatus.PENDING: {
        RegistrationStatus.APPROVED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.REJECTED,
        RegistrationStatus.CANCELLED,
    },
    RegistrationStatus.WAITLISTED: {
        RegistrationStatus.APPROVED,
        RegistrationStatus.REJECTED,
        RegistrationStatus.CANCELLED,
        RegistrationStatus.PENDING,
    },
    RegistrationStatus.APPROVED: {
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CANCELLED,
        RegistrationStatus.PENDING,
    },
    RegistrationStatus.REJECTED: {RegistrationStatus.PENDING},
    RegistrationStatus.CANCELLED: set(),
}

CONTRIBUTION_MOVES = {
    ContributionStatus.SUBMITTED: {
        ContributionStatus.UNDER_REVIEW,
        ContributionStatus.PUBLISHED,
        ContributionStatus.REJECTED,
        ContributionStatus.WITHDRAWN,
    },
    ContributionStatus.UNDER_REVIEW: {
        ContributionStatus.PUBLISHED,
        ContributionStatus.REJECTED,
        ContributionStatus.WITHDRAWN,
    },
    ContributionStatus.PUBLISHED: {ContributionStatus.UNDER_REVIEW},
    ContributionStatus.REJECTED: {ContributionStatus.UNDER_REVIEW},
    ContributionStatus.WITHDRAWN: set(),
}


class OutcomeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class HearingPublication(models.TextChoices):
    """Whether the public sees a hearing. Stored as the hearing's `published` flag; named here so
    that its moves have a map and a status change records them like any other."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# Publishing and withdrawing, by `services.set_hearing_publication` and `set_outcome_status`.
HEARING_MOVES = {
    HearingPublication.DRAFT: {HearingPublication.PUBLISHED},
    HearingPublication.PUBLISHED: {HearingPublication.DRAFT},
}

OUTCOME_MOVES = {
    OutcomeStatus.DRAFT: {OutcomeStatus.PUBLISHED},
    OutcomeStatus.PUBLISHED: {OutcomeStatus.DRAFT},
}


class PublicationConsent(models.TextChoices):
    """What the author of a contribution agreed may be shown with it."""

    NAMED = "named", _("My name and my organization")
    ORGANIZATION = "organization", _("My organization only")
    ANONYMOUS = "anonymous", _("Neither: publish anonymously")


class EmailState(models.TextChoices):
    """Where an outgoing email stands: held (a decision email, for the decision to be taken back
    meanwhile), waiting to go (or to be tried again), sent, failed after
    `OutgoingEmail.MAX_ATTEMPTS` refusals of the mail server and no longer tried, or cancelled
    because its decision was taken back before it went."""

    HELD = "held", _("Held")
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class SpeakerState(models.TextChoices):
    """Where a request to speak from the floor stands on an interactive segment's list."""

    WAITING = "waiting", _("Waiting")
    SPEAKING = "speaking", _("Speaking")
    DONE = "done", _("Spoke")
    NOT_REACHED = "not_reached", _("Not reached")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def queued(cls):
        """Requests still on the list: at most one of them per registration."""
        return [cls.WAITING, cls.SPEAKING]


# The chair's and the registrant's moves on the speakers' list (`services.floor_*`).
SPEAKER_MOVES = {
    SpeakerState.WAITING: {
        SpeakerState.SPEAKING,
        SpeakerState.NOT_REACHED,
        SpeakerState.WITHDRAWN,
    },
    SpeakerState.SPEAKING: {SpeakerState.DONE},
    SpeakerState.DONE: set(),
    SpeakerState.NOT_REACHED: set(),
    SpeakerState.WITHDRAWN: set(),
}
