"""Deciding registrations and contributions in the back office, as an editor and as a viewer:
every decision asked on a confirmation page, decision emails held for
`DJANGO_DECISION_EMAIL_DELAY` so that one taken back in time never goes (and one taken back
later is explained), the per-organization cap counting names typed by hand, staff registering
someone with their letter, deciding from the record, and finding it by its reference."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultations.enums import ContributionStatus, EmailState
from consultations.models import (
    AccreditationRule,
    Contribution,
    OutgoingEmail,
    Registration,
    StatusChange,
)
from consultations.tests.factories import ContributionFactory, HearingFactory, RegistrationFactory
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:consultations_registration_changelist")
CONTRIBUTIONS = reverse("admin:consultations_contribution_changelist")
EMAILS = reverse("admin:consultations_outgoingemail_changelist")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def held(settings):
    settings.DECISION_EMAIL_DELAY_MINUTES = 10


def act(client, url, action, records, **extra):
    return client.post(
        url,
        {"action": action, "_selected_action": [r.pk for r in records], "index": "0", **extra},
        follow=True,
    )


def confirmed(client, url, action, records, **extra):
    return act(client, url, action, records, apply="1", **extra)


def shown_messages(response):
    """The messages' text; a remedy's button, a form, is tested in test_admin_bulk_decisions."""
    return [
        re.sub(r' <form method="post" .*</form>$', "", str(m)) for m in response.context["messages"]
    ]


def statuses(model, records):
    stored = dict(model.objects.values_list("pk", "status"))
    return [stored[r.pk] for r in records]


def after_the_delay():
    OutgoingEmail.objects.update(held_until=timezone.now() - datetime.timedelta(seconds=1))


def test_each_registration_decision_asks_first_with_the_count_and_records(client, editor):
    first, second = RegistrationFactory(), RegistrationFactory()
    client.force_login(editor)
    for action in ["approve", "waitlist", "reject", "cancel"]:
        asked = act(client, REGISTRATIONS, action, [first, second])
        assert asked.templates[0].name == "admin/consultations/confirm_decision.html"
        assert asked.context["count"] == 2
        assert asked.context["records"] == [first, second]
        assert "<strong>2 records</strong>" in asked.content.decode()
    assert statuses(Registration, [first, second]) == ["pending", "pending"]
    assert StatusChange.objects.count() == 0

    done = confirmed(client, REGISTRATIONS, "reject", [first], reason="Not a stakeholder.")
    assert shown_messages(done) == ["1 registration rejected."]
    assert StatusChange.objects.get(new_status="rejected").reason == "Not a stakeholder."
    # Cancelling is for good, and says so before it happens.
    asked = act(client, REGISTRATIONS, "cancel", [second])
    assert "cannot be reopened" in asked.content.decode()
    assert asked.context["button"] == "Yes, cancel them"
    confirmed(client, REGISTRATIONS, "cancel", [second])
    assert statuses(Registration, [first, second]) == ["rejected", "cancelled"]


def test_return_to_pending_is_an_action_through_the_service(client, editor):
    registration = RegistrationFactory()
    client.force_login(editor)
    confirmed(client, REGISTRATIONS, "approve", [registration])
    done = confirmed(client, REGISTRATIONS, "return_to_pending", [registration], reason="Too soon")
    assert shown_messages(done) == ["1 registration returned to pending."]
    stored = Registration.objects.get()
    assert (stored.status, stored.decided_at, stored.decided_by) == ("pending", None, None)
    assert list(StatusChange.objects.values_list("new_status", "reason", "changed_by")) == [
        ("pending", "Too soon", editor.pk),
        ("approved", "", editor.pk),
    ]


def test_each_moderation_action_asks_first(client, editor):
    contribution = ContributionFactory()
    client.force_login(editor)
    for action in ["publish", "reject_with_reason", "publish_campaign"]:
        asked = act(client, CONTRIBUTIONS, action, [contribution])
        assert asked.context["records"] == [contribution]
    assert Contribution.objects.get().status == "submitted"
    refused = confirmed(client, CONTRIBUTIONS, "reject_with_reason", [contribution], reason=" ")
    assert "This field is required." in refused.content.decode()
    confirmed(client, CONTRIBUTIONS, "publish", [contribution])
    done = confirmed(client, CONTRIBUTIONS + "?moderation=all", "return_to_review", [contribution])
    assert shown_messages(done) == ["1 contribution returned to review."]
    assert Contribution.objects.get().status == "under_review"


def test_viewer_sees_no_decision_and_cannot_make_one(client, viewer):
    registration = RegistrationFactory()
    contribution = ContributionFactory()
    client.force_login(viewer)
    confirmation = reverse("admin:consultations_registration_confirm", args=["approve"])
    assert client.get(confirmation, {"ids": registration.pk}).status_code == 403
    confirmed(client, REGISTRATIONS, "approve", [registration])
    confirmed(client, CONTRIBUTIONS, "publish", [contribution])
    assert statuses(Registration, [registration]) == ["pending"]
    assert statuses(Contribution, [contribution]) == ["submitted"]
    page = client.get(reverse("admin:consultations_registration_change", args=[registration.pk]))
    assert page.context["decision_buttons"] == []
    assert "decision-approve" not in page.content.decode()


def test_a_decision_taken_back_within_the_delay_sends_no_email(
    client, editor, held, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory()
    contribution = ContributionFactory()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(client, REGISTRATIONS, "approve", [registration])
        confirmed(client, CONTRIBUTIONS, "publish", [contribution])
    assert mail.outbox == []
    assert [e.state for e in OutgoingEmail.objects.all()] == [EmailState.HELD, EmailState.HELD]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed(client, REGISTRATIONS, "return_to_pending", [registration])
        confirmed(client, CONTRIBUTIONS + "?moderation=all", "return_to_review", [contribution])
    after_the_delay()
    call_command("send_pending_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []
    assert [e.state for e in OutgoingEmail.objects.all()] == [
        EmailState.CANCELLED,
        EmailState.CANCELLED,
    ]


def test_a_decision_taken_back_after_its_email_went_is_explained_by_a_second(
    client, editor, held, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory()
    client.force_login(editor)
    confirmed(client, REGISTRATIONS, "approve", [registration])
    after_the_delay()
    call_command("send_pending_emails", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.subject for m in mail.outbox] == [
        f"Your registration {registration.reference}: Approved"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed(
            client, REGISTRATIONS, "return_to_pending", [registration], reason="Seat miscounted"
        )
    assert len(mail.outbox) == 1
    # Staff need not wait: "send now" from the registration list.
    done = act(client, REGISTRATIONS, "send_held_emails", [registration])
    assert shown_messages(done) == ["1 email sent."]
    assert [m.subject for m in mail.outbox] == [
        f"Your registration {registration.reference}: Approved",
        f"Your registration {registration.reference}: the decision is withdrawn",
    ]
    assert "is withdrawn: your registration is pending again" in mail.outbox[1].body
    assert "Seat miscounted" in mail.outbox[1].body


def test_editor_sends_held_emails_now_from_the_queue_and_viewer_has_no_queue(
    client, editor, viewer, held
):
    contribution = ContributionFactory()
    client.force_login(editor)
    confirmed(client, CONTRIBUTIONS, "publish", [contribution])
    email = OutgoingEmail.objects.get()
    listed = client.get(EMAILS, {"state": "held"})
    assert list(listed.context["cl"].result_list) == [email]
    done = act(client, EMAILS, "send_now", [email])
    assert shown_messages(done) == ["1 email sent."]
    assert [m.to for m in mail.outbox] == [[contribution.author_email]]
    assert OutgoingEmail.objects.get().state == EmailState.SENT
    client.force_login(viewer)
    assert client.get(EMAILS).status_code == 403


def test_the_cap_counts_organizations_typed_by_hand(client, editor):
    hearing = HearingFactory()
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", max_per_organization=2
    )
    mexico = OrganizationFactory(name="México Migrant Network")
    matched = RegistrationFactory(hearing=hearing, organization=mexico)
    typed = [
        RegistrationFactory(hearing=hearing, organization=None, organization_name=name)
        for name in ["Mexico migrant network", "MÉXICO  Migrant-Network.", "Other NGO"]
    ]
    client.force_login(editor)
    response = confirmed(client, REGISTRATIONS, "approve", [matched, *typed])
    assert shown_messages(response) == [
        f"{escape(typed[1])}: MÉXICO  Migrant-Network. already has 2 approved representatives, "
        "the most this hearing accredits for one organization of its category.",
        "3 registrations approved.",
    ]
    assert statuses(Registration, [matched, *typed]) == [
        "approved",
        "approved",
        "pending",
        "approved",
    ]
    # Only the one held back carries a badge; nothing marks the others.
    listed = client.get(REGISTRATIONS)
    admin = listed.context["cl"].model_admin
    rows = {r.pk: r for r in listed.context["cl"].result_list}
    assert [admin.over_cap(rows[r.pk]) for r in [matched, *typed]] == [
        "",
        "",
        '<span class="warning-badge">MÉXICO  Migrant-Network. 2/2</span>',
        "",
    ]


def test_unmatched_organizations_are_filtered_and_matched_by_similarity(client, editor):
    hearing = HearingFactory()
    OrganizationFactory(name="Global Coalition on Migration", acronym="GCM")
    OrganizationFactory(name="Migrant Forum in Asia")
    OrganizationFactory(name="Unrelated Chamber of Commerce")
    typed = [
        RegistrationFactory(hearing=hearing, organization=None, organization_name=name)
        for name in ["Migrant Forum Asia", "migrant forum in asia"]
    ]
    RegistrationFactory(hearing=hearing)
    client.force_login(editor)
    listed = client.get(REGISTRATIONS, {"organization_match": "unmatched"})
    assert list(listed.context["cl"].result_list) == typed
    asked = act(client, REGISTRATIONS, "match_to_organization", typed)
    offered = [label for _value, label in asked.context["form"].fields["organization"].choices]
    assert offered[0] == "Migrant Forum in Asia"
    forum = offered and asked.context["form"].fields["organization"].choices[0][0]
    done = act(client, REGISTRATIONS, "match_to_organization", typed, apply="1", organization=forum)
    assert shown_messages(done) == ["2 registrations matched to Migrant Forum in Asia."]
    assert list(
        Registration.objects.filter(pk__in=[r.pk for r in typed]).values_list(
            "organization__name", "organization_name"
        )
    ) == [("Migrant Forum in Asia", ""), ("Migrant Forum in Asia", "")]
    assert (
        client.get(REGISTRATIONS, {"organization_match": "unmatched"}).context["cl"].result_count
        == 0
    )


def add_form(hearing, **extra):
    return {
        "hearing": hearing.pk,
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "organization_name": "Sahel Women's Network",
        "category": "civil_society",
        "language": "fr",
        **extra,
    }


def test_staff_register_someone_with_the_letter_and_their_consent(client, editor):
    hearing = HearingFactory()
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", letter_required=True
    )
    client.force_login(editor)
    add = reverse("admin:consultations_registration_add")
    letter = SimpleUploadedFile("lettre.pdf", PDF, content_type="application/pdf")
    response = client.post(add, add_form(hearing, letter_upload=letter, privacy_consent="on"))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.nomination_letter.read() == PDF
    assert registration.privacy_consent_entered_by == editor
    page = client.get(reverse("admin:consultations_registration_change", args=[registration.pk]))
    assert f"Entered by staff for the registrant: {editor}" in page.content.decode()
    confirmed(client, REGISTRATIONS, "approve", [registration])
    assert statuses(Registration, [registration]) == ["approved"]

    # A file that is not a document is refused beside the field, with what was typed kept.
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf")
    refused = client.post(add, add_form(hearing, email="bo@example.org", letter_upload=fake))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["letter_upload"]
    assert 'value="bo@example.org"' in refused.content.decode()


def test_a_letter_received_by_email_is_noted_with_who_and_when(client, editor):
    hearing = HearingFactory()
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", letter_required=True
    )
    registration = RegistrationFactory(hearing=hearing)
    client.force_login(editor)
    refused = confirmed(client, REGISTRATIONS, "approve", [registration])
    assert "requires a nomination letter" in shown_messages(refused)[0]
    change = reverse("admin:consultations_registration_change", args=[registration.pk])
    response = client.post(
        change,
        {
            "name": registration.name,
            "email": registration.email,
            "organization": registration.organization_id,
            "category": registration.category,
            "language": registration.language,
            "letter_received_by_email": "on",
        },
    )
    assert response.status_code == 302
    stored = Registration.objects.get()
    assert stored.letter_by_email_noted_by == editor
    assert stored.letter_by_email_at is not None
    confirmed(client, REGISTRATIONS, "approve", [registration])
    assert statuses(Registration, [registration]) == ["approved"]


def test_editor_decides_from_the_record_and_moves_to_the_next_in_queue(client, editor):
    hearing = HearingFactory()
    first, second = RegistrationFactory(hearing=hearing), RegistrationFactory(hearing=hearing)
    RegistrationFactory()  # another hearing's queue
    client.force_login(editor)
    record = reverse("admin:consultations_registration_change", args=[first.pk])
    page = client.get(record)
    buttons = page.context["decision_buttons"]
    assert [b["label"] for b in buttons] == [
        "Approve",
        "Put on the waiting list",
        "Reject",
        "Cancel",
    ]
    assert page.context["next_in_queue"] == reverse(
        "admin:consultations_registration_change", args=[second.pk]
    )
    assert first.reference in page.content.decode()

    asked = client.get(buttons[0]["url"])
    assert asked.context["records"] == [first]
    done = client.post(
        REGISTRATIONS,
        {
            "action": "approve",
            "_selected_action": [first.pk],
            "apply": "1",
            "next": record,
            "index": "0",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == record
    page = client.get(record)
    assert [b["action"] for b in page.context["decision_buttons"]] == [
        "waitlist",
        "return_to_pending",
        "cancel",
    ]
    # An address outside the site is not followed.
    client.post(
        REGISTRATIONS,
        {
            "action": "waitlist",
            "_selected_action": [first.pk],
            "apply": "1",
            "next": "https://evil.example/",
        },
    )
    assert statuses(Registration, [first]) == ["waitlisted"]


def test_editor_publishes_from_the_contribution_record(client, editor):
    contribution = ContributionFactory()
    following = ContributionFactory(hearing=contribution.hearing)
    client.force_login(editor)
    record = reverse("admin:consultations_contribution_change", args=[contribution.pk])
    page = client.get(record)
    assert [b["action"] for b in page.context["decision_buttons"]] == [
        "publish",
        "reject_with_reason",
    ]
    assert page.context["next_in_queue"] == reverse(
        "admin:consultations_contribution_change", args=[following.pk]
    )
    client.post(
        CONTRIBUTIONS,
        {"action": "publish", "_selected_action": [contribution.pk], "apply": "1", "next": record},
    )
    page = client.get(record)
    assert [b["action"] for b in page.context["decision_buttons"]] == ["return_to_review"]


def test_a_published_contribution_returns_to_review_from_its_record(client, editor):
    """The queue hides what is published: the record's button still reaches it."""
    contribution = ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now()
    )
    client.force_login(editor)
    record = reverse("admin:consultations_contribution_change", args=[contribution.pk])
    (button,) = client.get(record).context["decision_buttons"]
    asked = client.get(button["url"])
    assert asked.context["records"] == [contribution]
    response = client.post(
        asked.context["changelist_url"],
        {
            "action": button["action"],
            "_selected_action": [contribution.pk],
            "apply": "1",
            "next": record,
        },
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.UNDER_REVIEW


def test_a_registration_is_found_by_its_reference(client, editor, viewer):
    wanted, other = RegistrationFactory(), RegistrationFactory()
    for user in [editor, viewer]:
        client.force_login(user)
        for term in [wanted.reference, wanted.reference.lower(), f"R{wanted.pk}"]:
            found = client.get(REGISTRATIONS, {"q": term})
            assert list(found.context["cl"].result_list) == [wanted], term
    assert other.pk != wanted.pk


def test_lists_show_the_status_as_a_badge_after_the_name_oldest_first(client, editor):
    older = RegistrationFactory()
    newer = RegistrationFactory()
    client.force_login(editor)
    listed = client.get(REGISTRATIONS)
    assert list(listed.context["cl"].result_list) == [older, newer]
    assert listed.context["cl"].list_display[1:3] == ["name", "status_shown"]
    assert '<span class="status-badge status-pending">Pending</span>' in listed.content.decode()


def test_only_superusers_delete_and_delete_comes_last(client, editor, django_user_model):
    registration = RegistrationFactory()
    contribution = ContributionFactory()
    confirmed_change = StatusChange.objects.create(
        registration=registration, previous_status="", new_status="pending"
    )
    client.force_login(editor)
    for url, record in [
        (REGISTRATIONS, registration),
        (CONTRIBUTIONS, contribution),
        (reverse("admin:consultations_statuschange_changelist"), confirmed_change),
    ]:
        action_form = client.get(url).context["action_form"]
        actions = (
            [name for name, _label in action_form.fields["action"].choices] if action_form else []
        )
        assert "delete_selected" not in actions
        opts = record._meta
        delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Registration.objects.count() == 1
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    actions = [
        name
        for name, _label in client.get(REGISTRATIONS)
        .context["action_form"]
        .fields["action"]
        .choices
    ]
    assert actions[1] == "approve"
    assert actions[-1] == "delete_selected"


@pytest.mark.parametrize("changelist", [REGISTRATIONS, CONTRIBUTIONS])
def test_a_list_filtered_to_one_hearing_does_not_repeat_its_title(client, editor, changelist):
    hearing = HearingFactory(title="A hearing with a title long enough to push columns away")
    RegistrationFactory(hearing=hearing)
    ContributionFactory(hearing=hearing)
    client.force_login(editor)
    every_hearing = client.get(changelist).content.decode()
    one_hearing = client.get(changelist, {"hearing__id__exact": hearing.pk}).content.decode()
    assert "column-hearing" in every_hearing
    assert "column-hearing" not in one_hearing
