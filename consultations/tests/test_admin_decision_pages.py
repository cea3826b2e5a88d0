"""The pages decisions are taken on: a registration's or a contribution's record with its
decision buttons, and every confirmation page, cost the same number of queries whatever the
data's size; their times are given in the hearing's zone, named."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.enums import ContributionStatus, RegistrationStatus
from consultations.models import AccreditationRule, Contribution, Registration
from consultations.services import decide_registration, moderate_contribution
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    RegistrationFactory,
    SegmentFactory,
)
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

# 09:12 in Geneva on the day of the hearing, summer time.
MORNING = datetime.datetime(2017, 10, 11, 7, 12, tzinfo=datetime.UTC)


def geneva_hearing(time_zone="Europe/Zurich", **fields):
    return HearingFactory(
        time_zone=time_zone,
        capacity=100,
        supporting_organization=OrganizationFactory(),
        **fields,
    )


def registrations(hearing, editor, count):
    """`count` registrations of one hearing with every relation and decision filled: the first
    pending (the record looked at), the rest decided by the service, with their status changes,
    emails and history."""
    AccreditationRule.objects.get_or_create(
        hearing=hearing,
        category="civil_society",
        defaults={"max_per_organization": 100, "letter_required": False},
    )
    made = [RegistrationFactory(hearing=hearing) for _ in range(count)]
    for i, registration in enumerate(made[1:]):
        status = [RegistrationStatus.APPROVED, RegistrationStatus.WAITLISTED][i % 2]
        decide_registration(registration, status, by=editor, reason="Checked.")
    return made


def contributions(hearing, editor, count):
    segment = SegmentFactory(hearing=hearing)
    made = [
        ContributionFactory(hearing=hearing, segment=segment, moderated_by=editor)
        for _ in range(count)
    ]
    for contribution in made[1:]:
        moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor, reason="Ok.")
    return made


BUILDERS = {"registration": registrations, "contribution": contributions}


def record_page(name, record):
    return reverse(f"admin:consultations_{name}_change", args=[record.pk])


def confirm_page(name, action):
    return reverse(f"admin:consultations_{name}_confirm", args=[action])


def measured(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", BUILDERS)
def test_a_record_page_costs_the_same_with_2_and_30_records(
    client, editor, django_assert_max_num_queries, name
):
    client.force_login(editor)
    small = BUILDERS[name](geneva_hearing(), editor, 2)
    large = BUILDERS[name](geneva_hearing(), editor, 30)
    # A first request fills the content-type cache, as on any running server.
    client.get(record_page(name, small[0]))
    bound = measured(client, record_page(name, small[0]))
    for record in [small[0], large[0], large[-1]]:
        with django_assert_max_num_queries(bound):
            response = client.get(record_page(name, record))
        assert response.status_code == 200
    assert response.context["decision_buttons"]
    assert large[0].pk != large[-1].pk


def decisions_of(name):
    model = {"registration": Registration, "contribution": Contribution}[name]
    return list(admin.site._registry[model].decisions())


@pytest.mark.parametrize(
    ("name", "action"),
    [(name, action) for name in BUILDERS for action in decisions_of(name)],
)
def test_a_confirmation_page_costs_the_same_for_1_and_30_records(
    client, editor, django_assert_max_num_queries, name, action
):
    client.force_login(editor)
    hearings = [geneva_hearing() for _ in range(30)]
    # Each record in a hearing of its own, so that promoting the oldest waitlisted of each
    # hearing lists 30 records too: the last of three is waitlisted, or published.
    records = [BUILDERS[name](hearing, editor, 3)[-1] for hearing in hearings]
    one = {"ids": str(records[0].pk)}
    every = {"ids": ",".join(str(r.pk) for r in records)}
    client.get(confirm_page(name, action), one)
    bound = measured(client, confirm_page(name, action), one)
    with django_assert_max_num_queries(bound):
        response = client.get(confirm_page(name, action), every)
    assert response.context["records"] == records
    # Asked from the list: the same page, through the list's action.
    changelist = reverse(f"admin:consultations_{name}_changelist")
    query = "?moderation=all" if name == "contribution" else ""
    with CaptureQueriesContext(connection) as from_one:
        client.post(
            changelist + query,
            {"action": action, "_selected_action": [records[0].pk], "index": "0"},
        )
    with django_assert_max_num_queries(len(from_one)):
        response = client.post(
            changelist + query,
            {"action": action, "_selected_action": [r.pk for r in records], "index": "0"},
        )
    assert response.context["records"] == records


def test_times_carry_the_hearings_zone_in_the_lists_and_on_the_record(client, editor):
    hearing = geneva_hearing()
    registration = RegistrationFactory(hearing=hearing)
    contribution = ContributionFactory(hearing=hearing)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=MORNING, privacy_consent_at=MORNING
    )
    Contribution.objects.filter(pk=contribution.pk).update(submitted_at=MORNING)
    client.force_login(editor)

    listed = client.get(reverse("admin:consultations_registration_changelist"))
    assert '<td class="field-created_at_shown">11 Oct 2017, 09:12 CEST</td>' in (
        listed.content.decode()
    )
    listed = client.get(reverse("admin:consultations_contribution_changelist"))
    assert '<td class="field-submitted_at_shown">11 Oct 2017, 09:12 CEST</td>' in (
        listed.content.decode()
    )

    page = client.get(record_page("registration", registration)).content.decode()
    assert '<div class="readonly">11 Oct 2017, 09:12 CEST</div>' in page
    assert "Given by the registrant on the public form, 11 Oct 2017, 09:12 CEST" in page
    page = client.get(record_page("contribution", contribution)).content.decode()
    assert '<div class="readonly">11 Oct 2017, 09:12 CEST</div>' in page

    # Another venue, another zone: the same moment in New York.
    Registration.objects.filter(pk=registration.pk).update(
        hearing=geneva_hearing(time_zone="America/New_York")
    )
    page = client.get(record_page("registration", registration)).content.decode()
    assert '<div class="readonly">11 Oct 2017, 03:12 EDT</div>' in page
