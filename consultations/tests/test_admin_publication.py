"""The back office publishes and withdraws hearings and outcomes only through the services (a
button on the record's page, an action on the list), each with a message; and what staff add on
someone's behalf goes through the submit services, outside the public window too."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultations.enums import OutcomeStatus
from consultations.models import (
    Contribution,
    Hearing,
    Outcome,
    OutgoingEmail,
    Registration,
    StatusChange,
)
from consultations.services import publish_hearing
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    OutcomeFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

HEARINGS = reverse("admin:consultations_hearing_changelist")
OUTCOMES = reverse("admin:consultations_outcome_changelist")


def shown_messages(response):
    return [str(m) for m in response.context["messages"]]


def added(record):
    """Django's own message once a record is added, with a link to it."""
    url = reverse(f"admin:consultations_{record._meta.model_name}_change", args=[record.pk])
    name = record._meta.verbose_name
    return f'The {name} “<a href="{url}">{escape(record)}</a>” was added successfully.'


def act(client, url, action, records):
    return client.post(
        url,
        {"action": action, "_selected_action": [r.pk for r in records], "index": "0"},
        follow=True,
    )


def hearing_form(hearing, **changes):
    data = {
        "process": hearing.process.pk,
        "title": hearing.title,
        "slug": hearing.slug,
        "date": str(hearing.date),
        "organizer": hearing.organizer,
        "time_zone": hearing.time_zone,
        "language": "en",
    }
    for prefix in ["segments", "accreditation_rules", "outcome", "translations"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def past_hearing(**fields):
    return HearingFactory(date=datetime.date(2017, 10, 11), time_zone="Europe/Zurich", **fields)


def upcoming_hearing(**fields):
    return HearingFactory(date=timezone.localdate() + datetime.timedelta(days=30), **fields)


# Hearings ---------------------------------------------------------------------------------------


def test_the_published_checkbox_is_gone_from_the_hearing_form(client, editor):
    """Ticking it by hand, on a new hearing or an old one, publishes and withdraws nothing."""
    draft = past_hearing(published=False)
    published = past_hearing()
    client.force_login(editor)
    page = client.get(reverse("admin:consultations_hearing_change", args=[draft.pk]))
    assert "published" not in page.context["adminform"].form.fields
    for hearing, ticked in [(draft, {"published": "on"}), (published, {})]:
        response = client.post(
            reverse("admin:consultations_hearing_change", args=[hearing.pk]),
            hearing_form(hearing, title="Renamed", **ticked),
        )
        assert response.status_code == 302
    assert list(Hearing.objects.order_by("pk").values_list("title", "published")) == [
        ("Renamed", False),
        ("Renamed", True),
    ]
    created = client.post(
        reverse("admin:consultations_hearing_add"),
        hearing_form(HearingFactory.build(process=draft.process, slug="new"), published="on"),
    )
    assert created.status_code == 302
    assert Hearing.objects.get(slug="new").published is False
    assert StatusChange.objects.count() == 0


def test_editor_publishes_and_withdraws_a_hearing_with_its_button(client, editor):
    hearing = past_hearing(published=False)
    client.force_login(editor)
    change = reverse("admin:consultations_hearing_change", args=[hearing.pk])
    button = reverse("admin:consultations_hearing_publication", args=[hearing.pk])
    page = client.get(change).content.decode()
    assert f'<form method="post" action="{button}" class="publication-move">' in page
    assert '<input type="submit" value="Publish">' in page

    response = client.post(button, {"to": "published"}, follow=True)
    assert response.redirect_chain == [(change, 302)]
    assert shown_messages(response) == [f"“{hearing}” is published: the public sees it."]
    assert '<input type="submit" value="Withdraw from the public site">' in (
        response.content.decode()
    )
    hearing.refresh_from_db()
    assert (hearing.published, hearing.published_by) == (True, editor)

    response = client.post(button, {"to": "draft"}, follow=True)
    assert shown_messages(response) == [f"“{hearing}” is withdrawn: the public no longer sees it."]
    assert list(
        StatusChange.objects.filter(hearing=hearing)
        .order_by("pk")
        .values_list("previous_status", "new_status", "changed_by")
    ) == [("draft", "published", editor.pk), ("published", "draft", editor.pk)]
    # A page left open on "Withdraw" after someone else withdrew: refused with the sentence.
    response = client.post(button, {"to": "draft"}, follow=True)
    assert shown_messages(response) == ["This hearing is already draft."]
    assert StatusChange.objects.count() == 2
    assert client.post(button, {"to": "gone"}).status_code == 400
    assert client.get(button).status_code == 405
    log = client.get(reverse("admin:consultations_statuschange_changelist"))
    assert [change.record for change in log.context["cl"].result_list] == [hearing, hearing]
    assert escape(str(hearing)) in log.content.decode()


def test_editor_publishes_and_withdraws_hearings_from_the_list(client, editor):
    drafts = [past_hearing(published=False) for _ in range(2)]
    already = past_hearing()
    client.force_login(editor)
    response = act(client, HEARINGS, "publish", [*drafts, already])
    assert shown_messages(response) == [
        f"{already}: This hearing is already published.",
        "2 hearings published.",
    ]
    assert Hearing.objects.filter(published=True).count() == 3
    response = act(client, HEARINGS, "withdraw", drafts)
    assert shown_messages(response) == ["2 hearings withdrawn."]
    assert Hearing.objects.filter(published=True).get() == already


def test_viewer_cannot_publish_or_withdraw(client, viewer):
    hearing = past_hearing(published=False)
    outcome = OutcomeFactory(hearing=past_hearing(), status=OutcomeStatus.DRAFT)
    client.force_login(viewer)
    page = client.get(reverse("admin:consultations_hearing_change", args=[hearing.pk]))
    assert "publication-move" not in page.content.decode()
    for name, record, to in [("hearing", hearing, "published"), ("outcome", outcome, "published")]:
        url = reverse(f"admin:consultations_{name}_publication", args=[record.pk])
        assert client.post(url, {"to": to}).status_code == 403
    # No action to offer: neither publish nor withdraw (nor delete).
    assert client.get(HEARINGS).context["action_form"] is None
    assert Hearing.objects.get(pk=hearing.pk).published is False
    assert Outcome.objects.get(pk=outcome.pk).status == OutcomeStatus.DRAFT
    assert StatusChange.objects.count() == 0


def test_reverting_a_hearing_to_an_old_version_keeps_its_publication(client, editor):
    hearing = past_hearing(published=False, title="First title")
    publish_hearing(hearing, by=editor)
    client.force_login(editor)
    first = hearing.history.earliest()
    assert first.published is False
    url = reverse("admin:consultations_hearing_simple_history", args=[hearing.pk, first.pk])
    response = client.post(url, hearing_form(hearing, title="First title, restored"))
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.title, hearing.published, hearing.published_by) == (
        "First title, restored",
        True,
        editor,
    )
    assert hearing.history.first().published is True


# Outcomes ---------------------------------------------------------------------------------------


def test_outcome_status_and_date_are_read_only_in_both_forms(client, editor):
    hearing = past_hearing()
    outcome = OutcomeFactory(hearing=hearing, status=OutcomeStatus.DRAFT)
    client.force_login(editor)
    page = client.get(reverse("admin:consultations_outcome_change", args=[outcome.pk]))
    assert {"status", "published_on", "published_by", "hearing"}.isdisjoint(
        page.context["adminform"].form.fields
    )
    response = client.post(
        reverse("admin:consultations_outcome_change", args=[outcome.pk]),
        {"title": "Summary, revised", "status": "published", "published_on": "2017-10-20"},
    )
    assert response.status_code == 302
    data = hearing_form(hearing) | {
        "outcome-TOTAL_FORMS": "1",
        "outcome-INITIAL_FORMS": "1",
        "outcome-0-id": outcome.pk,
        "outcome-0-hearing": hearing.pk,
        "outcome-0-title": "Summary, revised again",
        "outcome-0-status": "published",
        "outcome-0-published_on": "2017-10-20",
    }
    response = client.post(reverse("admin:consultations_hearing_change", args=[hearing.pk]), data)
    assert response.status_code == 302
    assert Outcome.objects.values_list("title", "status", "published_on").get() == (
        "Summary, revised again",
        "draft",
        None,
    )


def test_editor_publishes_an_outcome_once_its_hearing_has_taken_place(client, editor):
    early = OutcomeFactory(hearing=upcoming_hearing(), status=OutcomeStatus.DRAFT)
    held = OutcomeFactory(hearing=past_hearing(), status=OutcomeStatus.DRAFT)
    client.force_login(editor)
    button = reverse("admin:consultations_outcome_publication", args=[early.pk])
    response = client.post(button, {"to": "published"}, follow=True)
    date = early.hearing.date
    refusal = (
        f"An outcome cannot be published before its hearing has taken place: "
        f"{early.hearing.title} is held on {date.day} {date:%B %Y}."
    )
    assert shown_messages(response) == [refusal]
    assert Outcome.objects.get(pk=early.pk).status == OutcomeStatus.DRAFT

    response = act(client, OUTCOMES, "publish", [early, held])
    assert shown_messages(response) == [
        f"{early}: {refusal}",
        "1 outcome document published.",
    ]
    held.refresh_from_db()
    venue_date = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Zurich"))
    assert (held.status, held.published_on, held.published_by) == (
        OutcomeStatus.PUBLISHED,
        venue_date,
        editor,
    )
    page = client.get(reverse("admin:consultations_outcome_change", args=[held.pk]))
    assert '<input type="submit" value="Return to draft">' in page.content.decode()
    response = act(client, OUTCOMES, "return_to_draft", [held])
    assert shown_messages(response) == ["1 outcome document returned to draft."]
    assert list(StatusChange.objects.values_list("outcome", "new_status", "changed_by")) == [
        (held.pk, "draft", editor.pk),
        (held.pk, "published", editor.pk),
    ]
    history = client.get(reverse("admin:consultations_outcome_history", args=[held.pk]))
    assert history.status_code == 200
    assert history.context["page_obj"].paginator.count == 3


# Registrations and contributions added on someone's behalf --------------------------------------


def closed_hearing(**fields):
    """Unpublished, its windows long closed: the public forms take nothing."""
    past = timezone.now() - datetime.timedelta(days=30)
    return HearingFactory(
        published=False,
        registration_opens=past - datetime.timedelta(days=10),
        registration_closes=past,
        contributions_open=past - datetime.timedelta(days=10),
        contributions_close=past,
        **fields,
    )


def registration_form(hearing, **changes):
    return {
        "hearing": hearing.pk,
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "category": "civil_society",
        "language": "fr",
        "status": "approved",
    } | changes


def test_staff_add_a_registration_through_the_service_outside_the_window(
    client, editor, django_capture_on_commit_callbacks
):
    hearing = closed_hearing(capacity=1)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:consultations_registration_add"), registration_form(hearing), follow=True
        )
    registration = Registration.objects.get()
    assert shown_messages(response) == [added(registration)]
    # Pending, whatever the form said: the status moves by the services only.
    assert (registration.status, registration.language) == ("pending", "fr")
    assert list(
        StatusChange.objects.values_list(
            "registration", "previous_status", "new_status", "changed_by"
        )
    ) == [(registration.pk, "", "pending", editor.pk)]
    assert registration.history.get().history_user == editor
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["amina@example.org"], OutgoingEmail.objects.get().subject)
    ]
    assert "/registrations/status/" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:consultations_registration_add"),
            registration_form(hearing, name="Second", email="second@example.org"),
            follow=True,
        )
    second = Registration.objects.get(email="second@example.org")
    assert second.status == "waitlisted"
    assert shown_messages(response) == [
        f"The hearing is full: {second} is on the waiting list.",
        added(second),
    ]
    assert len(mail.outbox) == 2


def test_staff_add_a_contribution_through_the_service_outside_the_window(
    client, editor, django_capture_on_commit_callbacks
):
    hearing = closed_hearing()
    existing = ContributionFactory(hearing=hearing)
    client.force_login(editor)
    form = {
        "hearing": hearing.pk,
        "author_name": "Ana Gómez",
        "author_email": "ana@example.org",
        "category": "civil_society",
        "title": "Pathways",
        "body": "We ask for regular pathways for every worker, whatever their skills.",
        "language": "en",
        "correspondence_language": "es",
        "consent": "named",
        "status": "published",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:consultations_contribution_add"), form, follow=True)
    contribution = Contribution.objects.exclude(pk=existing.pk).get()
    assert shown_messages(response) == [added(contribution)]
    assert contribution.status == "submitted"
    assert contribution.reference == f"{hearing.process.code}-{hearing.date.year}-0002"
    assert list(
        StatusChange.objects.values_list(
            "contribution", "previous_status", "new_status", "changed_by"
        )
    ) == [(contribution.pk, "", "submitted", editor.pk)]
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "/contributions/status/" in mail.outbox[0].body

    response = client.post(reverse("admin:consultations_contribution_add"), form, follow=True)
    assert response.redirect_chain == [
        (reverse("admin:consultations_contribution_change", args=[contribution.pk]), 302)
    ]
    assert shown_messages(response) == [
        f"The same contribution from this address arrived minutes ago as "
        f"{contribution.reference}: nothing was added. Here it is."
    ]
    assert Contribution.objects.count() == 2
    assert StatusChange.objects.count() == 1


def test_a_registration_stays_with_its_hearing(client, editor):
    registration = RegistrationFactory()
    other = HearingFactory()
    client.force_login(editor)
    change = reverse("admin:consultations_registration_change", args=[registration.pk])
    assert "hearing" not in client.get(change).context["adminform"].form.fields
    response = client.post(
        change,
        {
            "hearing": other.pk,
            "name": "Renamed",
            "email": registration.email,
            "category": registration.category,
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.values_list("name", "hearing").get() == (
        "Renamed",
        registration.hearing_id,
    )

    moved = Registration.objects.get()
    moved.hearing = other
    sentence = (
        "A registration stays with its hearing: cancel it and register again for the other hearing."
    )
    with pytest.raises(ValidationError) as refused:
        moved.full_clean()
    assert refused.value.message_dict["hearing"] == [sentence]
    with pytest.raises(ValidationError) as refused:
        moved.save()
    assert refused.value.message_dict == {"hearing": [sentence]}
    assert Registration.objects.get().hearing_id == registration.hearing_id
