"""State changes of registrations and contributions, in one place whoever makes them.

For now the back office is their only caller; the vetting and moderation screens, the public forms
and the API will call the same functions."""

from django.utils import timezone

from consultations.enums import ContributionStatus, RegistrationStatus


def stamp_registration_decision(registration, by):
    """Record who decided and when, once a registration's new status is a decision."""
    if registration.status in RegistrationStatus.decided():
        registration.decided_at = timezone.now()
        registration.decided_by = by


def stamp_contribution_moderation(contribution, by):
    """Record who moderated and when; a contribution published for the first time is dated."""
    now = timezone.now()
    contribution.moderated_at = now
    contribution.moderated_by = by
    if contribution.status in ContributionStatus.public() and contribution.published_at is None:
        contribution.published_at = now
