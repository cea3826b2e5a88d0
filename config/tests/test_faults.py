"""Faults: the database failing in the middle of a submission, the mail server failing."""

import logging
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from consultations.enums import RegistrationStatus
from consultations.models import Contribution, OutgoingEmail, StatusChange
from consultations.services import decide_registration
from consultations.tests.factories import RegistrationFactory
from consultations.tests.forms_support import open_hearing, pdf_bytes, upload

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """The mail server hangs up, as a real one does when it is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def fail_on(table, error):
    """Let every query through until the first write into `table`, which fails like a server
    that went away: by then the request has already written other rows and saved its file."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and table in sql:
            raise error
        return execute(sql, params, many, context)

    return wrapper


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def contribution_data():
    return {
        "author_name": "Ana Gómez",
        "author_email": "ana@example.org",
        "organization_text": "ICMC",
        "category": "civil_society",
        "country": "MX",
        "language": "es",
        "title": "Regular pathways",
        "segment": "",
        "body": "We recommend regular pathways for migrant workers, and say why at length.",
        "consent": "organization",
        "website": "",
        "attachment": upload("annex.pdf", pdf_bytes()),
    }


@pytest.mark.parametrize("table", ["consultations_outgoingemail", "consultations_statuschange"])
def test_database_failing_mid_submission_gives_503_and_leaves_nothing(media, table):
    hearing = open_hearing(slug="migration")
    client = Client(raise_request_exception=False)
    page = client.get(f"/hearings/{hearing.slug}/contribute/")
    assert page.status_code == 200
    with connection.execute_wrapper(
        fail_on(table, OperationalError("server closed the connection"))
    ):
        response = client.post(f"/hearings/{hearing.slug}/contribute/", contribution_data())
    assert response.status_code == 503
    # The form again, as typed, with the sentence (consultations.submission_views).
    page = response.content.decode()
    assert "The service is briefly unavailable: your text is kept below" in page
    assert "We recommend regular pathways for migrant workers, and say why at length." in page
    assert Contribution.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_failed_submission_can_be_sent_again(media):
    hearing = open_hearing(slug="migration")
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(
        fail_on("consultations_outgoingemail", OperationalError("timeout"))
    ):
        assert (
            client.post(f"/hearings/{hearing.slug}/contribute/", contribution_data()).status_code
            == 503
        )
    response = client.post(f"/hearings/{hearing.slug}/contribute/", contribution_data())
    assert response.status_code == 302
    assert Contribution.objects.count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


def test_mail_server_down_keeps_the_decision_logs_and_retries(
    settings, caplog, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(email="ana@example.org")
    settings.EMAIL_BACKEND = "config.tests.test_faults.RefusingBackend"
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        decide_registration(registration, RegistrationStatus.APPROVED)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    email = OutgoingEmail.objects.get()
    assert (email.sent_at, email.attempts) == (None, 1)
    assert email.last_error == "Connection unexpectedly closed"
    assert mail.outbox == []
    assert [r.getMessage() for r in caplog.records if r.name == "consultations.notifications"] == [
        f"Email {email.pk} not sent (SMTPServerDisconnected); it stays queued."
    ]
    assert "ana@example.org" not in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    assert out.getvalue() == "1 sent, 0 still pending, 0 failed for good.\n"
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
