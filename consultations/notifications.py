"""Emails to registrants and authors, written through Django's email API only: the address goes in
as a plain address and the subject on one line, so no name or title typed into a form can add a
header. Each email is stored with the change it reports and sent once that change is committed;
what the mail server refuses stays queued for `manage.py send_pending_emails`, up to
`OutgoingEmail.MAX_ATTEMPTS` tries."""

import logging
import re
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.enums import EmailState
from consultations.identity import SITE_NAME
from consultations.models import OutgoingEmail

logger = logging.getLogger(__name__)


def site_url(path):
    """An absolute link for an email, built from settings, never from the request's Host."""
    return settings.SITE_URL.rstrip("/") + path


STATUS_VIEWS = ["consultations:registration_status", "consultations:contribution_status"]


@cache
def status_link_pattern():
    """The start of each status link's path, then its token (and the slash after it)."""
    starts = [reverse(name, args=["~"]).split("~")[0] for name in STATUS_VIEWS]
    return re.compile("(" + "|".join(map(re.escape, starts)) + r")[^\s/\"'<>]+/?")


def withhold_status_links(body):
    """`body`, text or HTML, as staff may read it: a status link acts for its registrant or
    author (it cancels a registration, withdraws a contribution), so its token is replaced by
    "…" and a note saying so. The stored email keeps it, for the sender."""
    withheld = "…/ (" + _("status link withheld") + ")"
    return status_link_pattern().sub(lambda match: match[1] + withheld, body)


def render_email(template, language, context):
    """Subject, plain text and HTML of `consultations/email/<template>.*`, in `language`."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), "site_name": SITE_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"consultations/email/{template}_subject.txt", context)
        text = render_to_string(f"consultations/email/{template}.txt", context)
        html = render_to_string(f"consultations/email/{template}.html", context)
    return " ".join(subject.split())[:300], text, html


def queue_email(template, to, language, context, decision=None, hold=False):
    """Write the email now, in the caller's transaction, and send it after commit. An email
    telling of a `decision` (its StatusChange) made by staff is held (`hold`) for
    `DECISION_EMAIL_DELAY_MINUTES` instead, so that taking the decision back meanwhile cancels
    it; `send_pending_emails`, or staff's "send now", sends it once the delay is over."""
    subject, text, html = render_email(template, language, context)
    delay = settings.DECISION_EMAIL_DELAY_MINUTES if hold else 0
    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject,
        text=text,
        html=html,
        status_change=decision,
        held_until=timezone.now() + timedelta(minutes=delay) if delay else None,
    )
    if not delay:
        # Robust: the record is committed by then, so a failure while sending (even the
        # database going away) is logged and the email stays queued for send_pending_emails; it
        # must never turn the committed submission into an error page.
        transaction.on_commit(lambda: deliver(email.pk), robust=True)
    return email


def send_now(emails):
    """Release held emails (a queryset) and send them: staff's "send now". Returns how many
    went."""
    pks = list(emails.held().values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=pks).held().update(held_until=timezone.now())
    return sum(deliver(pk) is True for pk in pks)


def deliver(pk):
    """Send one queued email, once. The row is claimed, locked for as long as sending it and
    marking it sent take, and a row another sender holds is skipped rather than waited for: the
    hook after a commit and one or more runs of `send_pending_emails` may reach the same email
    at once, and only one sends it. A refusal is counted and kept as the last error, and logged
    without the address; after `MAX_ATTEMPTS` the email is failed and no longer tried.

    Returns True when sent, False when the mail server refused it, None when there was nothing
    to do: already sent, failed for good, or being sent by another sender."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.to_send()
            .select_for_update(skip_locked=True)
            .filter(pk=pk)
            .first()
        )
        if email is None:
            return None
        message = EmailMultiAlternatives(subject=email.subject, body=email.text, to=[email.to])
        message.attach_alternative(email.html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as error:  # any failure of the mail server: keep the email for a retry
            email.last_error = str(error)[:300]
            email.save(update_fields=["attempts", "last_error"])
            if email.state == EmailState.FAILED:
                logger.error(
                    "Email %s not sent (%s) after %s attempts; it is failed and no longer tried.",
                    pk,
                    type(error).__name__,
                    email.attempts,
                )
            else:
                logger.warning("Email %s not sent (%s); it stays queued.", pk, type(error).__name__)
            return False
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at", "attempts"])
        return True
