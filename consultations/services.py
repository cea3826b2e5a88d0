"""State changes of registrations, contributions, hearings and outcomes, in one place whoever
makes them: the back office, the public forms and the API all call these functions (after
pretalx's `set_submission_state`). Each one checks the move against the map in `enums.py`, locks
the rows it depends on, saves only the fields it changes, records a `StatusChange`, and writes
the email that tells the person (where there is one), which goes out once the transaction has
committed."""

from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from consultations.badges import badge_path, badge_token, code_matches, registration_id_from_code
from consultations.enums import (
    CONTRIBUTION_MOVES,
    HEARING_MOVES,
    OUTCOME_MOVES,
    REGISTRATION_MOVES,
    ContributionStatus,
    HearingPublication,
    HearingStatus,
    OutcomeStatus,
    RegistrationStatus,
)
from consultations.models import (
    AccreditationRule,
    Contribution,
    Hearing,
    Outcome,
    Registration,
    StatusChange,
)
from consultations.models.submissions import body_fingerprint
from consultations.notifications import queue_email, site_url


class TransitionRefused(ValidationError):
    """A move the rules do not allow; its message is a sentence for the person who tried it."""


def check_move(moves, current, new, label):
    if new in moves[current]:
        return
    names = {"current": current.label.lower(), "label": label, "new": new.label.lower()}
    if new == current:
        message = _("This %(label)s is already %(new)s.") % names
    else:
        message = _("This %(label)s is %(current)s: it cannot become %(new)s.") % names
    raise TransitionRefused(message, code="transition_refused")


def check_actor(by, through_status_link):
    if through_status_link and by is not None:
        raise ValueError("A change through a status link is made by its registrant or author.")


def credit_the_link(record, reason):
    """A change through a signed status link is the person's: its version in the record's
    history names no staff member, whoever is logged in in the same browser (simple_history
    otherwise takes the request's user), and says it came through the link. The reason is
    stored in the site's language, as history is."""
    record._history_user = None
    with translation.override(settings.LANGUAGE_CODE):
        record._change_reason = str(reason)


def log_move(record, previous, new, by=None, reason="", through_status_link=False):
    """The StatusChange row of a move, naming `record` through the field of its kind
    (registration, contribution, hearing or outcome); `previous` is empty for a new record."""
    return StatusChange.objects.create(
        **{type(record)._meta.model_name: record},
        previous_status=previous,
        new_status=new,
        reason=reason,
        changed_by=by,
        through_status_link=through_status_link,
    )


def approved_registrations(hearing):
    return Registration.objects.filter(hearing=hearing, status=RegistrationStatus.APPROVED)


def check_seat_available(registration):
    hearing = registration.hearing
    if hearing.capacity is not None and approved_registrations(hearing).count() >= (
        hearing.capacity
    ):
        raise TransitionRefused(
            _("The hearing is full: all %(capacity)s seats are taken.")
            % {"capacity": hearing.capacity},
            code="hearing_full",
        )


def check_organization_cap(registration):
    """Per the hearing's accreditation rule for the registration's category, an organization has
    at most so many approved representatives."""
    rule = AccreditationRule.objects.filter(
        hearing_id=registration.hearing_id, category=registration.category
    ).first()
    if rule is None or rule.max_per_organization is None or registration.organization_id is None:
        return
    approved = approved_registrations(registration.hearing_id).filter(
        organization_id=registration.organization_id
    )
    if approved.count() >= rule.max_per_organization:
        raise TransitionRefused(
            _(
                "%(organization)s already has %(count)s approved representatives, the most this "
                "hearing accredits for one organization of its category."
            )
            % {"organization": registration.organization, "count": rule.max_per_organization},
            code="organization_cap_reached",
        )


def check_letter(registration):
    rule = AccreditationRule.objects.filter(
        hearing_id=registration.hearing_id, category=registration.category
    ).first()
    if rule is not None and rule.letter_required and not registration.nomination_letter:
        raise TransitionRefused(
            _("This hearing requires a nomination letter for %(category)s registrations.")
            % {"category": registration.get_category_display()},
            code="nomination_letter_missing",
        )


@transaction.atomic
def decide_registration(registration, new_status, by=None, reason="", through_status_link=False):
    """Move a registration to `new_status`: approve, waitlist, reject, cancel, or back to pending.
    Approval locks the hearing first, so two editors approving the last seat at once queue up and
    the second one finds the hearing full. `by` is the staff member deciding; the registrant
    cancelling through their status link is `through_status_link`, with no `by`."""
    check_actor(by, through_status_link)
    new_status = RegistrationStatus(new_status)
    if new_status == RegistrationStatus.APPROVED:
        Hearing.objects.select_for_update().get(pk=registration.hearing_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    previous = RegistrationStatus(locked.status)
    check_move(REGISTRATION_MOVES, previous, new_status, _("registration"))
    if new_status == RegistrationStatus.APPROVED:
        check_letter(locked)
        check_seat_available(locked)
        check_organization_cap(locked)
    locked.status = new_status
    if new_status in RegistrationStatus.decided():
        locked.decided_at, locked.decided_by = timezone.now(), by
    elif new_status == RegistrationStatus.PENDING:
        locked.decided_at, locked.decided_by = None, None
    if through_status_link:
        credit_the_link(locked, _("Through the registrant's status link"))
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    log_move(
        locked, previous, new_status, by=by, reason=reason, through_status_link=through_status_link
    )
    if new_status != RegistrationStatus.PENDING:
        queue_email(
            "registration_decision",
            to=locked.email,
            language=locked.language,
            context={
                "registration": locked,
                "reason": reason,
                "badge_url": site_url(badge_path(locked))
                if new_status == RegistrationStatus.APPROVED
                else "",
            },
        )
    registration.refresh_from_db()
    return registration


def promote_from_waitlist(hearing, by):
    """Approve the registration that has waited longest, once a seat is free. Returns it, or None
    when nobody waits."""
    waiting = (
        Registration.objects.filter(hearing=hearing, status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    return decide_registration(waiting, RegistrationStatus.APPROVED, by=by)


@transaction.atomic
def moderate_contribution(contribution, new_status, by=None, reason="", through_status_link=False):
    """Move a contribution to `new_status`: review, publish, reject (with a reason the author
    reads), withdraw (the author through their status link: `through_status_link`, no `by`), or
    return to review. Publishing dates it; returning to review takes it off the public pages."""
    check_actor(by, through_status_link)
    new_status = ContributionStatus(new_status)
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    previous = ContributionStatus(locked.status)
    check_move(CONTRIBUTION_MOVES, previous, new_status, _("contribution"))
    if new_status == ContributionStatus.REJECTED and not reason.strip():
        raise TransitionRefused(
            _("Give the author a reason for the rejection."), code="reason_required"
        )
    now = timezone.now()
    locked.status = new_status
    if by is not None:
        locked.moderated_at, locked.moderated_by = now, by
    locked.published_at = now if new_status == ContributionStatus.PUBLISHED else None
    if through_status_link:
        credit_the_link(locked, _("Through the author's status link"))
    locked.save(
        update_fields=["status", "moderated_at", "moderated_by", "published_at", "updated_at"]
    )
    log_move(
        locked, previous, new_status, by=by, reason=reason, through_status_link=through_status_link
    )
    if new_status in {ContributionStatus.PUBLISHED, ContributionStatus.REJECTED}:
        queue_email(
            "contribution_decision",
            to=locked.author_email,
            language=locked.correspondence_language,
            context={"contribution": locked, "reason": reason},
        )
    contribution.refresh_from_db()
    return contribution


# Publication -----------------------------------------------------------------------------------

# What only the publication services write; forms and serializers saving a whole row keep them as
# stored (`keep_stored_publication`).
PUBLICATION_FIELDS = {
    Hearing: ["published", "published_at", "published_by_id"],
    Outcome: ["status", "published_on", "published_by_id"],
}


def keep_stored_publication(record):
    """Before a back-office form or an API write saves a whole hearing or outcome, lock its row
    and put back the publication fields as stored: an edit, a revert to an old version or a
    stale form never publishes or withdraws anything, nor undoes what a service just did."""
    fields = PUBLICATION_FIELDS[type(record)]
    stored = type(record).objects.select_for_update().filter(pk=record.pk).values(*fields).first()
    for name, value in (stored or {}).items():
        setattr(record, name, value)


@transaction.atomic
def set_hearing_publication(hearing, new_publication, by=None, reason=""):
    """Publish a hearing (the public sees it, its forms may open) or withdraw it back to draft.
    Publishing stamps who and when; withdrawing clears the stamp, which its status change
    keeps."""
    new_publication = HearingPublication(new_publication)
    locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
    previous = locked.publication
    check_move(HEARING_MOVES, previous, new_publication, _("hearing"))
    published = new_publication == HearingPublication.PUBLISHED
    locked.published = published
    locked.published_at, locked.published_by = (timezone.now(), by) if published else (None, None)
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["published", "published_at", "published_by"])
    log_move(locked, previous, new_publication, by=by, reason=reason)
    hearing.refresh_from_db(fields=["published", "published_at", "published_by"])
    return hearing


def publish_hearing(hearing, by=None, reason=""):
    return set_hearing_publication(hearing, HearingPublication.PUBLISHED, by=by, reason=reason)


def withdraw_hearing(hearing, by=None, reason=""):
    return set_hearing_publication(hearing, HearingPublication.DRAFT, by=by, reason=reason)


def check_hearing_held(hearing):
    """An outcome reports what was said: it waits for its hearing's day at the venue."""
    if hearing.status == HearingStatus.UPCOMING:
        raise TransitionRefused(
            _(
                "An outcome cannot be published before its hearing has taken place: "
                "%(hearing)s is held on %(date)s."
            )
            % {"hearing": hearing.title, "date": formats.date_format(hearing.date, "j F Y")},
            code="hearing_not_held",
        )


@transaction.atomic
def set_outcome_status(outcome, new_status, by=None, reason=""):
    """Publish an outcome document, from its hearing's day at the venue on, or return it to
    draft. The hearing is locked first, as its date decides, then the outcome. Publishing stamps
    who and the date at the venue (`published_on`); returning to draft clears both."""
    new_status = OutcomeStatus(new_status)
    hearing = Hearing.objects.select_for_update().get(pk=outcome.hearing_id)
    locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
    previous = OutcomeStatus(locked.status)
    check_move(OUTCOME_MOVES, previous, new_status, _("outcome document"))
    published = new_status == OutcomeStatus.PUBLISHED
    if published:
        check_hearing_held(hearing)
    locked.status = new_status
    locked.published_on, locked.published_by = (
        (timezone.localdate(timezone=hearing.zone), by) if published else (None, None)
    )
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["status", "published_on", "published_by"])
    log_move(locked, previous, new_status, by=by, reason=reason)
    outcome.refresh_from_db(fields=["status", "published_on", "published_by"])
    return outcome


def publish_outcome(outcome, by=None, reason=""):
    return set_outcome_status(outcome, OutcomeStatus.PUBLISHED, by=by, reason=reason)


def unpublish_outcome(outcome, by=None, reason=""):
    return set_outcome_status(outcome, OutcomeStatus.DRAFT, by=by, reason=reason)


# Submissions -----------------------------------------------------------------------------------


class SubmissionRefused(ValidationError):
    """A public form's submission refused where it is stored (its form has closed meanwhile);
    its message is a sentence for the person, keyed by the field it names."""


RESUBMISSION_SECONDS = 10 * 60


WINDOW_CLOSED = _("This form is closed: it takes submissions only while its window is open.")


def check_form_open(hearing, window):
    """The form's hearing and window are checked again under the hearing's lock, where the
    submission is stored: a form shown a second before the window closed, or the hearing was
    withdrawn, is not a way in after it. An unpublished hearing takes nothing, even from staff
    previewing its form."""
    if not hearing.published or not window.is_open():
        raise SubmissionRefused({NON_FIELD_ERRORS: [WINDOW_CLOSED]}, code="window_closed")


def active_registrations(hearing):
    return Registration.objects.filter(hearing=hearing, status__in=RegistrationStatus.active())


@transaction.atomic
def submit_registration(registration, link, by=None):
    """Store a registration from the public form: pending, or waitlisted once the seats are all
    held by pending and approved registrations. The hearing is locked so that two people taking
    the last seat at once queue up, and so that the check for an address already registered
    sees every earlier registration. `link(registration)` builds the signed status link for the
    confirmation email. Returns `(registration, created)`.

    An address already registered for the hearing stores nothing new: its owner gets an email
    with their registration's status link, and the caller answers as for a new registration,
    so that the form never tells who is registered.

    `by` is the staff member entering a registration on someone's behalf in the back office.
    Staff may do so whatever the window and before the hearing is published; everything else
    holds (capacity, the address already registered, the status change, which names them, and
    the confirmation email). An address already registered is not emailed then: the back
    office tells the staff member instead."""
    hearing = Hearing.objects.select_for_update().get(pk=registration.hearing_id)
    registration.hearing = hearing
    if by is None:
        check_form_open(hearing, hearing.registration_window)
    earlier = Registration.objects.filter(hearing=hearing, email__iexact=registration.email).first()
    if earlier is not None:
        if by is None:
            queue_email(
                "registration_reminder",
                to=earlier.email,
                language=registration.language,
                context={"registration": earlier, "status_url": link(earlier)},
            )
        return earlier, False
    full = hearing.capacity is not None and active_registrations(hearing).count() >= (
        hearing.capacity
    )
    registration.status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.PENDING
    registration.decided_at = timezone.now() if full else None
    registration.save()
    log_move(registration, "", registration.status, by=by)
    queue_email(
        "registration_received",
        to=registration.email,
        language=registration.language,
        context={"registration": registration, "status_url": link(registration)},
    )
    return registration, True


@transaction.atomic
def submit_contribution(contribution, link, by=None):
    """Store a contribution from the public form as submitted, with its reference, and queue
    the confirmation email. A second identical text from the same address to the same hearing
    within a few minutes (a double click, a reload) returns the first one instead of a copy:
    `(contribution, created)`. The hearing is locked so the check and the insert are one step.

    `by` is the staff member entering it on the author's behalf in the back office: the window
    and publication are not checked then; the rest is, and the status change names them."""
    hearing = Hearing.objects.select_for_update().get(pk=contribution.hearing_id)
    contribution.hearing = hearing
    if by is None:
        check_form_open(hearing, hearing.contribution_window)
    contribution.fingerprint = body_fingerprint(contribution.body)
    earlier = (
        Contribution.objects.filter(
            hearing=hearing,
            author_email__iexact=contribution.author_email,
            fingerprint=contribution.fingerprint,
            title=contribution.title,
            submitted_at__gte=timezone.now() - timedelta(seconds=RESUBMISSION_SECONDS),
        )
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        return earlier, False
    contribution.status = ContributionStatus.SUBMITTED
    contribution.save()
    log_move(contribution, "", contribution.status, by=by)
    queue_email(
        "contribution_received",
        to=contribution.author_email,
        language=contribution.correspondence_language,
        context={"contribution": contribution, "status_url": link(contribution)},
    )
    return contribution, True


def campaign_of(contribution):
    """The contributions of a mass campaign this one belongs to: same hearing, same text but for
    case, accents, punctuation and spacing, still awaiting review. Served by the fingerprint
    index, so it costs the same at 100,000 contributions."""
    return Contribution.objects.filter(
        hearing_id=contribution.hearing_id,
        fingerprint=contribution.fingerprint,
        status__in=ContributionStatus.awaiting_review(),
    )


@transaction.atomic
def moderate_campaign(contributions, new_status, by=None, reason=""):
    """Decide at once every contribution awaiting review in the campaign groups of
    `contributions` (a queryset or a list), each through `moderate_contribution`, so each is
    checked, logged and its author told. All or nothing: one refusal leaves every one of them as
    it was. Returns the decided contributions, oldest first."""
    if isinstance(contributions, QuerySet):
        groups = set(contributions.order_by().values_list("hearing_id", "fingerprint").distinct())
    else:
        groups = {(c.hearing_id, c.fingerprint) for c in contributions}
    if not groups:
        return []
    members = Contribution.objects.filter(
        reduce(or_, (Q(hearing_id=h, fingerprint=f) for h, f in groups)),
        status__in=ContributionStatus.awaiting_review(),
    )
    locked = list(members.select_for_update().order_by("submitted_at", "pk"))
    return [moderate_contribution(member, new_status, by=by, reason=reason) for member in locked]


# The door ---------------------------------------------------------------------------------------


class UnknownBadge(Exception):
    """A code that names no registration: tampered, mistyped, or not one of ours."""


class CheckInRefused(TransitionRefused):
    """A registration the door may not admit, or one already admitted; `registration` is it,
    loaded with its organization and, once checked in, who checked it in."""

    def __init__(self, message, code, registration):
        super().__init__(message, code=code)
        self.registration = registration


def refuse_at_door(registration, hearing):
    """Why the door turns `registration` away at `hearing`, as a `CheckInRefused`, or None."""
    if registration.hearing_id != hearing.pk:
        return CheckInRefused(_("Another hearing"), "another_hearing", registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInRefused(_("Cancelled"), "cancelled", registration)
    if registration.status != RegistrationStatus.APPROVED:
        return CheckInRefused(_("Not approved"), "not_approved", registration)
    if registration.checked_in_at is not None:
        return CheckInRefused(
            _("Already checked in at %(time)s by %(by)s.")
            % {
                "time": formats.time_format(
                    timezone.localtime(registration.checked_in_at, hearing.zone), "H:i"
                ),
                "by": registration.checked_in_by or _("a staff member no longer listed"),
            },
            "already_checked_in",
            registration,
        )
    return None


@transaction.atomic
def check_in(hearing, code, by):
    """Admit the holder of a badge at `hearing`'s door: `code` is the badge's QR token or its
    printed reference. The row is locked, so two doors scanning the same badge at once admit it
    once: the second finds it checked in. Raises `UnknownBadge` or `CheckInRefused`; returns
    the registration, checked in by `by` now. Queries: the locked row with its organization,
    the update, its history row, its status change."""
    registration_id = registration_id_from_code(code)
    locked = None
    if registration_id is not None:
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("hearing__process", "organization", "checked_in_by")
            .filter(pk=registration_id)
            .first()
        )
    if locked is None or not code_matches(code, locked):
        raise UnknownBadge(code)
    refusal = refuse_at_door(locked, hearing)
    if refusal is not None:
        raise refusal
    locked.checked_in_at, locked.checked_in_by = timezone.now(), by
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(_("Checked in at the door"))
    log_move(locked, locked.status, locked.status, by=by, reason=reason)
    return locked


@transaction.atomic
def register_walk_in(registration, link, by):
    """Someone who arrives unregistered, while seats remain: registered by door staff through
    `submit_registration`, approved through `decide_registration` (which checks the seats and
    the hearing's accreditation rules) and checked in, all or nothing, and marked as a walk-in.
    `link` builds the status link of the confirmation email, as for the public form."""
    registration.walk_in = True
    stored, created = submit_registration(registration, link, by=by)
    if not created:
        raise TransitionRefused(
            _("This email address is already registered for this hearing: find it by name."),
            code="already_registered",
        )
    decide_registration(stored, RegistrationStatus.APPROVED, by=by)
    return check_in(stored.hearing, badge_token(stored), by)
