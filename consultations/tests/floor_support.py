"""Approved registrants with their organizations, for the speakers' list tests."""

from django.utils import timezone

from consultations.enums import RegistrationStatus
from consultations.tests.factories import RegistrationFactory
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory


def approved(segment, name, country="CH", category=StakeholderCategory.CIVIL_SOCIETY, **kwargs):
    organization = OrganizationFactory(
        name=f"{name}'s organization", country=country, category=category
    )
    return RegistrationFactory(
        hearing=segment.hearing,
        name=name,
        organization=organization,
        category=category,
        **{
            "status": RegistrationStatus.APPROVED,
            "decided_at": timezone.now(),
            "listed_publicly": True,
            **kwargs,
        },
    )
