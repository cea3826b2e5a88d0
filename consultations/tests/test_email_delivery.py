"""Each email goes out once, however many senders run at the same moment (the hook after a
commit, cron's `send_pending_emails`, a second cron), and an email the mail server keeps refusing
is tried a few times, then shown as failed rather than retried for ever."""

import smtplib
import threading
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from consultations.models import OutgoingEmail
from consultations.notifications import deliver, queue_email
from consultations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks: one writer at a time, so two senders cannot race there",
)


class RefusingBackend(EmailBackend):
    """The mail server hangs up, as a real one does when it is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class SlowBackend(EmailBackend):
    """Django's in-memory outbox behind a mail server that takes a moment to accept each email,
    as a real one does: long enough for a second sender to reach the same row meanwhile."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


def write(count):
    return [
        OutgoingEmail.objects.create(
            to=f"person{i}@example.org", subject=f"Email {i}", text="Text", html="<p>HTML</p>"
        )
        for i in range(count)
    ]


def send_pending():
    out = StringIO()
    call_command("send_pending_emails", stdout=out)
    return out.getvalue()


# Retries ------------------------------------------------------------------------------------


def test_retries_stop_at_the_cap_and_the_last_error_is_kept(settings):
    (email,) = write(1)
    settings.EMAIL_BACKEND = "consultations.tests.test_email_delivery.RefusingBackend"
    reports = [send_pending() for _ in range(OutgoingEmail.MAX_ATTEMPTS + 2)]
    assert reports[0] == "0 sent, 1 still pending, 0 failed for good.\n"
    assert reports[-1] == "0 sent, 0 still pending, 1 failed for good.\n"
    email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, OutgoingEmail.MAX_ATTEMPTS)
    assert email.last_error == "Connection unexpectedly closed"

    # The server is back: a failed email stays failed, for staff to look into.
    settings.EMAIL_BACKEND = LOCMEM
    assert send_pending() == "0 sent, 0 still pending, 1 failed for good.\n"
    assert deliver(email.pk) is None
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.attempts == OutgoingEmail.MAX_ATTEMPTS


def test_a_failed_email_shows_as_failed_to_editors(client, editor, settings):
    failed, pending, sent = write(3)
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        attempts=OutgoingEmail.MAX_ATTEMPTS, last_error="Connection unexpectedly closed"
    )
    deliver(sent.pk)
    client.force_login(editor)
    url = reverse("admin:consultations_outgoingemail_changelist")
    page = client.get(url).content.decode()
    assert "Failed" in page
    assert "Connection unexpectedly closed" in page
    for state, email in [("failed", failed), ("pending", pending), ("sent", sent)]:
        listed = client.get(url, {"state": state}).context["cl"].result_list
        assert list(listed) == [email], state


def test_a_retry_that_succeeds_counts_its_attempts(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "consultations.tests.test_email_delivery.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email(
            "registration_decision",
            "ana@example.org",
            "en",
            {"registration": RegistrationFactory()},
        )
    settings.EMAIL_BACKEND = LOCMEM
    assert send_pending() == "1 sent, 0 still pending, 0 failed for good.\n"
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    assert email.last_error == "Connection unexpectedly closed"
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


# Sent after commit, and once ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_email_goes_out_only_once_its_change_is_committed():
    with transaction.atomic():
        queue_email(
            "registration_decision",
            "ana@example.org",
            "en",
            {"registration": RegistrationFactory()},
        )
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert OutgoingEmail.objects.get().sent_at is not None

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(
            "registration_decision", "bo@example.org", "en", {"registration": RegistrationFactory()}
        )
        raise RuntimeError("the change failed")
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_email_another_sender_holds_is_left_to_it():
    (email,) = write(1)
    claimed, release = threading.Event(), threading.Event()

    def other_sender():
        try:
            with transaction.atomic():
                OutgoingEmail.objects.select_for_update().get(pk=email.pk)
                claimed.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sender)
    thread.start()
    try:
        assert claimed.wait(10)
        started = time.monotonic()
        assert deliver(email.pk) is None
        assert time.monotonic() - started < 1  # skipped, not waited for
    finally:
        release.set()
        thread.join()
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, 0)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_email_exactly_once(settings):
    emails = write(12)
    settings.EMAIL_BACKEND = "consultations.tests.test_email_delivery.SlowBackend"
    start = threading.Barrier(2)
    reports, errors = [], []

    def sender():
        try:
            start.wait(10)
            reports.append(send_pending())
        except Exception as error:  # reported below: an exception in a thread is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(mail.outbox) == len(emails)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.to for e in emails)
    assert sum(int(report.split()[0]) for report in reports) == len(emails)
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}
    assert not OutgoingEmail.objects.filter(sent_at=None).exists()
