"""The state changes behind the back office, the forms and the API: every move off the map is
refused and changes nothing; the moves on it are logged, dated and told to the person by email."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from consultations.enums import (
    CONTRIBUTION_MOVES,
    REGISTRATION_MOVES,
    ContributionStatus,
    RegistrationStatus,
)
from consultations.models import AccreditationRule, Contribution, Registration, StatusChange
from consultations.services import (
    SubmissionRefused,
    TransitionRefused,
    decide_registration,
    moderate_campaign,
    moderate_contribution,
    promote_from_waitlist,
    submit_contribution,
    submit_registration,
)
from consultations.tests.factories import ContributionFactory, HearingFactory, RegistrationFactory
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ILLEGAL_REGISTRATION_MOVES = [
    (old, new)
    for old in RegistrationStatus
    for new in RegistrationStatus
    if new not in REGISTRATION_MOVES[old]
]
ILLEGAL_CONTRIBUTION_MOVES = [
    (old, new)
    for old in ContributionStatus
    for new in ContributionStatus
    if new not in CONTRIBUTION_MOVES[old]
]


def registration_in(status, **fields):
    registration = RegistrationFactory(**fields)
    Registration.objects.filter(pk=registration.pk).update(
        status=status,
        decided_at=None if status not in RegistrationStatus.decided() else "2030-01-01T10:00Z",
    )
    registration.refresh_from_db()
    return registration


def refusal(label, old, new):
    if old == new:
        return f"This {label} is already {new.label.lower()}."
    return f"This {label} is {old.label.lower()}: it cannot become {new.label.lower()}."


@pytest.mark.parametrize(("old", "new"), ILLEGAL_REGISTRATION_MOVES, ids=str)
def test_illegal_registration_move_is_refused_and_changes_nothing(editor, old, new):
    registration = registration_in(old)
    before = Registration.objects.filter(pk=registration.pk).values().get()
    with pytest.raises(TransitionRefused) as refused:
        decide_registration(registration, new, by=editor)
    assert refused.value.messages == [refusal("registration", old, new)]
    assert Registration.objects.filter(pk=registration.pk).values().get() == before
    assert StatusChange.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(("old", "new"), ILLEGAL_CONTRIBUTION_MOVES, ids=str)
def test_illegal_contribution_move_is_refused_and_changes_nothing(editor, old, new):
    contribution = ContributionFactory()
    Contribution.objects.filter(pk=contribution.pk).update(
        status=old,
        published_at="2030-01-01T10:00Z" if old == "published" else None,
        public=old == "published",
    )
    before = Contribution.objects.filter(pk=contribution.pk).values().get()
    with pytest.raises(TransitionRefused) as refused:
        moderate_contribution(contribution, new, by=editor, reason="Off topic.")
    assert refused.value.messages == [refusal("contribution", old, new)]
    assert Contribution.objects.filter(pk=contribution.pk).values().get() == before
    assert StatusChange.objects.count() == 0


def test_approval_is_logged_dated_and_emailed_in_the_registrants_language(
    editor, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(name="Amélie Dupont", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        decide_registration(registration, RegistrationStatus.APPROVED, by=editor)
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.decided_by == editor
    assert registration.decided_at is not None
    change = StatusChange.objects.get()
    assert (change.registration, change.previous_status, change.new_status, change.changed_by) == (
        registration,
        "pending",
        "approved",
        editor,
    )
    [email] = mail.outbox
    assert email.to == [registration.email]
    assert '<html lang="fr">' in email.alternatives[0][0]
    assert email.body.splitlines()[0] == "Bonjour Amélie Dupont,"
    assert email.subject.startswith("Votre inscription")
    assert email.alternatives[0][1] == "text/html"
    assert registration.reference in email.body


def test_going_back_to_pending_clears_the_stale_decision(editor):
    registration = RegistrationFactory()
    decide_registration(registration, RegistrationStatus.REJECTED, by=editor)
    decide_registration(registration, RegistrationStatus.PENDING, by=editor)
    assert (registration.status, registration.decided_at, registration.decided_by) == (
        "pending",
        None,
        None,
    )


def test_approving_beyond_capacity_is_refused(editor):
    hearing = HearingFactory(capacity=1)
    decide_registration(RegistrationFactory(hearing=hearing), "approved", by=editor)
    late = RegistrationFactory(hearing=hearing)
    with pytest.raises(TransitionRefused) as refused:
        decide_registration(late, "approved", by=editor)
    assert refused.value.messages == ["The hearing is full: its one seat is taken."]
    late.refresh_from_db()
    assert late.status == "pending"


def test_approving_past_the_organizations_cap_is_refused_with_the_reason(editor):
    hearing = HearingFactory()
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", max_per_organization=2
    )
    ngo = OrganizationFactory(name="Migrant Voices")
    for _ in range(2):
        decide_registration(
            RegistrationFactory(hearing=hearing, organization=ngo), "approved", by=editor
        )
    third = RegistrationFactory(hearing=hearing, organization=ngo)
    with pytest.raises(TransitionRefused) as refused:
        decide_registration(third, "approved", by=editor)
    assert refused.value.messages == [
        "Migrant Voices already has 2 approved representatives, the most this hearing "
        "accredits for one organization of its category."
    ]
    # Another organization, or another category, is not held by that cap.
    decide_registration(RegistrationFactory(hearing=hearing), "approved", by=editor)
    decide_registration(
        RegistrationFactory(hearing=hearing, organization=ngo, category="academia"),
        "approved",
        by=editor,
    )


def test_approval_without_a_required_letter_is_refused(editor):
    hearing = HearingFactory()
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", letter_required=True
    )
    registration = RegistrationFactory(hearing=hearing)
    with pytest.raises(TransitionRefused) as refused:
        decide_registration(registration, "approved", by=editor)
    assert refused.value.messages == [
        "This hearing requires a nomination letter for Civil society organization registrations."
    ]


def test_promotion_approves_the_oldest_waitlisted_registration(editor):
    hearing = HearingFactory(capacity=1)
    seated = RegistrationFactory(hearing=hearing)
    decide_registration(seated, "approved", by=editor)
    first, second = RegistrationFactory(hearing=hearing), RegistrationFactory(hearing=hearing)
    for registration in [first, second]:
        decide_registration(registration, "waitlisted", by=editor)
    with pytest.raises(TransitionRefused):
        promote_from_waitlist(hearing, by=editor)
    decide_registration(seated, "cancelled", by=editor)
    assert promote_from_waitlist(hearing, by=editor) == first
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "waitlisted")


def test_nobody_waiting_promotes_nobody(editor):
    assert promote_from_waitlist(HearingFactory(), by=editor) is None


def test_rejection_needs_a_reason(editor):
    contribution = ContributionFactory()
    with pytest.raises(TransitionRefused) as refused:
        moderate_contribution(contribution, "rejected", by=editor, reason="   ")
    assert refused.value.messages == ["Give the author a reason for the rejection."]
    contribution.refresh_from_db()
    assert contribution.status == "submitted"


def test_publishing_dates_it_and_returning_to_review_takes_it_off(editor):
    contribution = ContributionFactory()
    moderate_contribution(contribution, "published", by=editor)
    assert contribution.published_at is not None
    assert Contribution.objects.published().get() == contribution
    moderate_contribution(contribution, "under_review", by=editor)
    assert contribution.published_at is None
    assert not Contribution.objects.published().exists()


def test_html_in_names_and_a_long_reason_are_kept_as_text_and_escaped_in_email(
    editor, django_capture_on_commit_callbacks
):
    contribution = ContributionFactory(
        author_name='<script>alert("x")</script>', title="<b>Bold</b> & co"
    )
    reason = "<img src=x onerror=alert(1)> " + "r" * (10_000 - 29)
    assert len(reason) == 10_000
    with django_capture_on_commit_callbacks(execute=True):
        moderate_contribution(contribution, "rejected", by=editor, reason=reason)
    assert StatusChange.objects.get().reason == reason
    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert "<script>" not in html and "<img" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert reason in email.body
    assert '<script>alert("x")</script>' in email.body


def test_a_campaign_group_is_decided_at_once_and_nothing_else(
    editor, django_capture_on_commit_callbacks
):
    hearing = HearingFactory()
    campaign = [
        ContributionFactory(hearing=hearing, body=body, author_email=f"a{i}@example.org")
        for i, body in enumerate(
            ["Stop detention of children!", "stop detention of  CHILDREN", "Stop détention"]
        )
    ]
    other = ContributionFactory(hearing=hearing, body="Something else.")
    same_text_elsewhere = ContributionFactory(body="Stop detention of children!")
    with django_capture_on_commit_callbacks(execute=True):
        decided = moderate_campaign(
            Contribution.objects.filter(pk=campaign[0].pk), "published", by=editor
        )
    assert decided == campaign[:2]
    statuses = dict(Contribution.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in [*campaign, other, same_text_elsewhere]] == [
        "published",
        "published",
        "submitted",
        "submitted",
        "submitted",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["a0@example.org", "a1@example.org"]
    assert StatusChange.objects.count() == 2


def test_a_campaign_rejection_is_all_or_nothing(editor):
    first = ContributionFactory(body="Same text.")
    ContributionFactory(hearing=first.hearing, body="Same text.")
    with pytest.raises(TransitionRefused):
        moderate_campaign([first], "rejected", by=editor, reason="")
    assert set(Contribution.objects.values_list("status", flat=True)) == {"submitted"}
    assert StatusChange.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_the_last_seat_at_once_one_wins(django_user_model):
    """Each approval runs in its own thread and connection, as two requests would; both have
    read the hearing's free seat before either writes."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite admits one writer at a time: two approvals cannot race there.")
    hearing = HearingFactory(capacity=1)
    contenders = [RegistrationFactory(hearing=hearing) for _ in range(2)]
    editors = [django_user_model.objects.create_user(f"editor{i}", is_staff=True) for i in range(2)]
    start = threading.Barrier(2, timeout=10)

    def approve(registration, editor):
        try:
            start.wait()
            decide_registration(registration, "approved", by=editor)
            return "approved"
        except TransitionRefused as refused:
            return refused.messages[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(approve, contenders, editors))
    assert sorted(results) == ["The hearing is full: its one seat is taken.", "approved"]
    assert Registration.objects.filter(status="approved").count() == 1
    assert StatusChange.objects.count() == 1


@pytest.mark.parametrize(("closes_in", "published"), [(0, True), (-3600, True), (3600, False)])
def test_submissions_are_refused_once_the_window_has_closed_or_the_hearing_is_withdrawn(
    closes_in, published
):
    """The form checks the window when it is shown; the service checks it again under the
    hearing's lock, so a form left open past the closing time, or after the hearing was
    unpublished, stores nothing."""
    now = timezone.now()
    hearing = HearingFactory(
        published=published,
        registration_opens=now - datetime.timedelta(days=1),
        registration_closes=now + datetime.timedelta(seconds=closes_in),
        contributions_open=now - datetime.timedelta(days=1),
        contributions_close=now + datetime.timedelta(seconds=closes_in),
    )
    registration = Registration(hearing=hearing, name="Late", email="late@example.org")
    contribution = Contribution(
        hearing=hearing,
        author_name="Late",
        author_email="late@example.org",
        title="Late",
        body="Too late " * 10,
        consent="named",
    )
    with pytest.raises(SubmissionRefused) as refused_registration:
        submit_registration(registration, link=lambda r: "")
    with pytest.raises(SubmissionRefused) as refused_contribution:
        submit_contribution(contribution, link=lambda c: "")
    closed = ["This form is closed: it takes submissions only while its window is open."]
    for refused in (refused_registration, refused_contribution):
        assert refused.value.message_dict == {"__all__": closed}
    assert Registration.objects.count() == Contribution.objects.count() == 0
    assert StatusChange.objects.count() == len(mail.outbox) == 0


def test_staff_entering_on_someones_behalf_skip_the_window_and_nothing_else(
    editor, django_capture_on_commit_callbacks
):
    """`by` lets the back office store what the public forms no longer take (a closed window,
    an unpublished hearing); capacity, duplicates, the status change (naming who entered it) and
    the confirmation email hold as for the public."""
    past = timezone.now() - datetime.timedelta(days=30)
    hearing = HearingFactory(
        published=False,
        capacity=1,
        registration_opens=past - datetime.timedelta(days=1),
        registration_closes=past,
        contributions_open=past - datetime.timedelta(days=1),
        contributions_close=past,
    )

    def registration(email):
        return Registration(hearing=hearing, name="Someone", email=email, category="other")

    with django_capture_on_commit_callbacks(execute=True):
        first, created = submit_registration(
            registration("first@example.org"), link=lambda r: "/status/", by=editor
        )
        second, _created = submit_registration(
            registration("second@example.org"), link=lambda r: "/status/", by=editor
        )
        again, again_created = submit_registration(
            registration("FIRST@example.org"), link=lambda r: "/status/", by=editor
        )
        contribution, contribution_created = submit_contribution(
            Contribution(
                hearing=hearing,
                author_name="Ana",
                author_email="ana@example.org",
                title="Pathways",
                body="Regular pathways " * 5,
                consent="named",
                category="other",
            ),
            link=lambda c: "/status/",
            by=editor,
        )
    assert (created, again_created, contribution_created) == (True, False, True)
    assert again == first
    assert [first.status, second.status, contribution.status] == [
        "pending",
        "waitlisted",
        "submitted",
    ]
    assert Registration.objects.count() == 2
    assert list(StatusChange.objects.order_by("pk").values_list("new_status", "changed_by")) == [
        ("pending", editor.pk),
        ("waitlisted", editor.pk),
        ("submitted", editor.pk),
    ]
    # Told: the two registrants and the author; the address already registered is not written to,
    # the back office tells the staff member instead.
    assert [m.to for m in mail.outbox] == [
        ["first@example.org"],
        ["second@example.org"],
        ["ana@example.org"],
    ]
