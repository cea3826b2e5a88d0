"""Access, erasure and retention of personal data: export_personal_data, erase_personal_data
and purge_registrations."""

import datetime
import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from consultations.enums import ContributionStatus, PublicationConsent, RegistrationStatus
from consultations.models import Contribution, OutgoingEmail, Registration, StatusChange
from consultations.services import decide_registration
from consultations.tests.factories import ContributionFactory, HearingFactory, RegistrationFactory
from stakeholders.tests.factories import PersonFactory

EMAIL = "ana.gomez@example.org"
PUBLISHED_AT = datetime.datetime(2030, 5, 20, 10, tzinfo=datetime.UTC)


def published(**fields):
    contribution = ContributionFactory(author_email=EMAIL, **fields)
    Contribution.objects.filter(pk=contribution.pk).update(
        status=ContributionStatus.PUBLISHED, published_at=PUBLISHED_AT, public=True
    )
    contribution.refresh_from_db()
    return contribution


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def records(db, media):
    """Ana registered, wrote three contributions (two published) and received an email;
    Bruno's records must survive whatever is done to Ana's."""
    registration = RegistrationFactory(email="Ana.Gomez@Example.org", name="Ana Gómez")
    registration.nomination_letter.save("letter.pdf", ContentFile(b"%PDF letter"), save=True)
    named = published(consent=PublicationConsent.NAMED, title="Named")
    anonymous = published(consent=PublicationConsent.ANONYMOUS, title="Anonymous one")
    draft = ContributionFactory(author_email=EMAIL, title="Awaiting review")
    draft.attachment.save("notes.pdf", ContentFile(b"%PDF notes"), save=True)
    OutgoingEmail.objects.create(to=EMAIL, subject="Your registration", text="T", html="H")
    person = PersonFactory(email=EMAIL)
    bruno = RegistrationFactory(email="bruno@example.org")
    return {
        "registration": registration,
        "named": named,
        "anonymous": anonymous,
        "draft": draft,
        "person": person,
        "bruno": bruno,
    }


def export(email):
    out = StringIO()
    call_command("export_personal_data", email, stdout=out)
    return json.loads(out.getvalue())


def test_export_holds_everything_about_the_address_and_nothing_else(records):
    data = export(EMAIL.upper())
    assert [r["name"] for r in data["registrations"]] == ["Ana Gómez"]
    assert (
        data["registrations"][0]["nomination_letter"]
        == records["registration"].nomination_letter.name
    )
    assert sorted(c["title"] for c in data["contributions"]) == [
        "Anonymous one",
        "Awaiting review",
        "Named",
    ]
    assert [e["subject"] for e in data["emails"]] == ["Your registration"]
    assert [p["name"] for p in data["people"]] == [records["person"].name]
    assert len(data["registration_history"]) == 2  # created, then the letter saved
    assert "bruno@example.org" not in json.dumps(data)


def test_erase_deletes_and_anonymises_as_consent_allows(
    records, media, django_capture_on_commit_callbacks
):
    letter = media / records["registration"].nomination_letter.name
    notes = media / records["draft"].attachment.name
    assert letter.exists() and notes.exists()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_personal_data", EMAIL, "--no-input", stdout=out)
    assert out.getvalue().splitlines() == [
        "registrations deleted: 1",
        "contributions deleted: 1",
        "contributions kept as Anonymous: 2",
        "files deleted: 2",
        "emails deleted: 1",
        "people records cleared: 1",
        "accounts left to an administrator: ",
    ]
    kept = {
        c.title: (c.author_name, c.author_email, c.consent, c.organization_id, c.status)
        for c in Contribution.objects.filter(pk__in=[records["named"].pk, records["anonymous"].pk])
    }
    assert kept == {
        "Named": (
            "Anonymous",
            "",
            PublicationConsent.ORGANIZATION,
            records["named"].organization_id,
            ContributionStatus.PUBLISHED,
        ),
        "Anonymous one": (
            "Anonymous",
            "",
            PublicationConsent.ANONYMOUS,
            None,
            ContributionStatus.PUBLISHED,
        ),
    }
    assert not Contribution.objects.filter(pk=records["draft"].pk).exists()
    assert list(Registration.objects.values_list("email", flat=True)) == ["bruno@example.org"]
    assert not letter.exists() and not notes.exists()
    records["person"].refresh_from_db()
    assert records["person"].email == ""
    # Nothing left anywhere, history included.
    after = export(EMAIL)
    assert after == after | {
        "registrations": [],
        "contributions": [],
        "registration_history": [],
        "contribution_history": [],
        "emails": [],
        "people": [],
        "accounts": [],
    }
    assert not Registration.history.filter(name="Ana Gómez").exists()
    assert set(
        Contribution.history.filter(id=records["named"].pk).values_list("author_name", flat=True)
    ) == {"Anonymous"}


def test_erase_asks_for_a_real_address(db):
    with pytest.raises(CommandError, match=r"'nobody' is not an email address\."):
        call_command("erase_personal_data", "nobody", "--no-input")


def test_purge_deletes_registrations_of_hearings_past_the_retention_period(
    db, media, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_RETENTION_DAYS = 30
    today = datetime.date.today()
    old = HearingFactory(date=today - datetime.timedelta(days=31))
    recent = HearingFactory(date=today - datetime.timedelta(days=30))
    gone = RegistrationFactory(hearing=old)
    gone.nomination_letter.save("l.pdf", ContentFile(b"%PDF"), save=True)
    decide_registration(gone, RegistrationStatus.APPROVED)
    kept = RegistrationFactory(hearing=recent)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_registrations", stdout=out)
    cutoff = today - datetime.timedelta(days=30)
    assert out.getvalue() == f"1 registrations of hearings held before {cutoff} deleted.\n"
    assert list(Registration.objects.all()) == [kept]
    assert not Registration.history.filter(id=gone.pk).exists()
    assert not StatusChange.objects.filter(registration_id=gone.pk).exists()
    assert not (media / gone.nomination_letter.name).exists()
    call_command("purge_registrations", "--days", "0", stdout=out)
    assert not Registration.objects.exists()
