"""State changes of registrations and contributions, in one place whoever makes them: the back
office, the public forms and the API all call these functions (after pretalx's
`set_submission_state`). Each one checks the move against the map in `enums.py`, locks the rows
it depends on, saves only the fields it changes, records a `StatusChange`, and writes the email
that tells the person, which goes out once the transaction has committed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.enums import (
    CONTRIBUTION_MOVES,
    REGISTRATION_MOVES,
    ContributionStatus,
    RegistrationStatus,
)
from consultations.models import (
    AccreditationRule,
    Contribution,
    Hearing,
    Registration,
    StatusChange,
)
from consultations.notifications import queue_email


class TransitionRefused(ValidationError):
    """A move the rules do not allow; its message is a sentence for the person who tried it."""


def check_move(moves, current, new, label):
    if new not in moves[current]:
        raise TransitionRefused(
            _("A %(current)s %(label)s cannot become %(new)s.")
            % {
                "current": current.label.lower(),
                "label": label,
                "new": new.label.lower(),
            },
            code="transition_refused",
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
def decide_registration(registration, new_status, by=None, reason=""):
    """Move a registration to `new_status`: approve, waitlist, reject, cancel, or back to pending.
    Approval locks the hearing first, so two editors approving the last seat at once queue up and
    the second one finds the hearing full. `by` is None when the registrant cancels."""
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
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    StatusChange.objects.create(
        registration=locked,
        previous_status=previous,
        new_status=new_status,
        reason=reason,
        changed_by=by,
    )
    if new_status != RegistrationStatus.PENDING:
        queue_email(
            "registration_decision",
            to=locked.email,
            language=locked.language,
            context={"registration": locked, "reason": reason},
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
def moderate_contribution(contribution, new_status, by=None, reason=""):
    """Move a contribution to `new_status`: review, publish, reject (with a reason the author
    reads), withdraw (the author, `by` None), or return to review. Publishing dates it;
    returning to review takes it off the public pages."""
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
    locked.save(
        update_fields=["status", "moderated_at", "moderated_by", "published_at", "updated_at"]
    )
    StatusChange.objects.create(
        contribution=locked,
        previous_status=previous,
        new_status=new_status,
        reason=reason,
        changed_by=by,
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
