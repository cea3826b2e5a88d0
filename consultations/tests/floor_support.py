"""Approved registrants with their organizations, for the speakers' list tests."""

import asyncio
import threading

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


def run_async(function, *args):
    """`function(*args)` run to its end in a thread of its own with its own event loop: the
    browser tests' Playwright keeps a loop in the test thread for the whole session, where
    asgiref's `async_to_sync` refuses to run. Returns its result or raises its exception."""
    outcome = {}

    def run():
        try:
            outcome["result"] = asyncio.run(function(*args))
        except BaseException as error:  # handed to the test's thread below
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
