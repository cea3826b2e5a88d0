"""The public forms: registration and written contribution, their confirmation and status pages
(reached through signed, expiring links), the Markdown preview and the attachment download."""

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.db import InterfaceError, OperationalError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from redis.exceptions import RedisError

from consultations.access import contribution_for, hearing_for
from consultations.badges import badge_path
from consultations.enums import (
    ContributionStatus,
    InterfaceLanguage,
    RegistrationStatus,
    SpeakerState,
)
from consultations.floor import current_floor_list
from consultations.forms import (
    BODY_MAX,
    ContributionForm,
    RegistrationForm,
    organization_suggestions,
)
from consultations.markdown import render_markdown
from consultations.models import (
    Contribution,
    FloorList,
    Hearing,
    Registration,
    SpeakerRequest,
)
from consultations.notifications import site_url
from consultations.ratelimit import address_allows, count_submission, email_allows
from consultations.services import (
    SubmissionRefused,
    TransitionRefused,
    decide_registration,
    moderate_contribution,
    request_floor,
    submit_contribution,
    submit_registration,
    withdraw_floor_request,
)
from consultations.validators import CONTENT_TYPES

logger = logging.getLogger(__name__)

LINK_MAX_AGE = 90 * 24 * 60 * 60
REGISTRATION_SALT = "consultations.registration-status"
CONTRIBUTION_SALT = "consultations.contribution-status"
PREVIEW_POSTS = 60
# The database failing or timing out while a submission is stored (config.errors answers the
# same faults with a generic 503 page elsewhere).
DATABASE_FAULTS = (OperationalError, InterfaceError)
# The shared cache is a table of the database, or Redis (REDIS_URL).
CACHE_FAULTS = (*DATABASE_FAULTS, RedisError)
RETRY_AFTER_SECONDS = 60


# Signed links -------------------------------------------------------------------------------


def status_token(record, salt):
    return signing.TimestampSigner(salt=salt).sign(str(record.pk))


def registration_status_path(registration):
    return reverse(
        "consultations:registration_status", args=[status_token(registration, REGISTRATION_SALT)]
    )


def contribution_status_path(contribution):
    return reverse(
        "consultations:contribution_status", args=[status_token(contribution, CONTRIBUTION_SALT)]
    )


class LinkExpired(Exception):
    pass


def record_from_token(model, token, salt, queryset=None):
    """The record a signed link names: a tampered link is a 404, an old one `LinkExpired`."""
    try:
        pk = signing.TimestampSigner(salt=salt).unsign(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise Http404 from None
    return get_object_or_404(queryset if queryset is not None else model.objects, pk=pk)


def link_expired(request):
    return render(request, "consultations/forms/link_expired.html", status=410)


# Windows, language, abuse ----------------------------------------------------------------------


def local_moment(hearing, moment):
    """A window's end as the venue's clock shows it, e.g. “1 June 2030, 09:00 (Europe/Zurich)”."""
    local = timezone.localtime(moment, hearing.zone)
    return f"{formats.date_format(local, 'j F Y, H:i')} ({hearing.time_zone})"


def window_message(hearing, window, what):
    """Why a form is closed, in the hearing's time zone; None while it is open."""
    state = window.state()
    if state == "open":
        return None
    if state == "upcoming":
        return _("%(what)s opens on %(moment)s.") % {
            "what": what,
            "moment": local_moment(hearing, window.opens),
        }
    if state == "closed":
        return _("%(what)s closed on %(moment)s.") % {
            "what": what,
            "moment": local_moment(hearing, window.closes),
        }
    return _("%(what)s is not open for this hearing.") % {"what": what}


def error_summary_title(form):
    """The heading of a form's error summary (forms/_errors.html): a plural, so made here, where
    makemessages finds it."""
    count = len(form.errors)
    return ngettext(
        "Please correct this field.", "Please correct these %(counter)s fields.", count
    ) % {"counter": count}


def retention_notice(days):
    """The registration form's sentence on how long a registration is kept: a plural."""
    return ngettext(
        "How long we keep it: your registration is deleted %(days)s day after the hearing. "
        "Write to the secretariat to see, correct or delete it sooner.",
        "How long we keep it: your registration is deleted %(days)s days after the hearing. "
        "Write to the secretariat to see, correct or delete it sooner.",
        days,
    ) % {"days": days}


def correspondence_language():
    language = (get_language() or "en")[:2]
    return language if language in InterfaceLanguage.values else InterfaceLanguage.ENGLISH


RATE_LIMITED = gettext_lazy(
    "We have received several submissions from you within a few minutes, so we have not stored "
    "this one. Your text is kept below: please wait ten minutes and send it again."
)


def too_many_posts(request, template=None, context=None, form=None):
    """A 429: the form again, as typed, with the reason above it; a bare page for the live
    preview, which has no form of its own."""
    if form is None:
        return render(request, "consultations/forms/rate_limited.html", status=429)
    form.add_error(None, RATE_LIMITED)
    context.update(form=form, alert_only=True, organizations=organization_suggestions())
    return render(request, template, context, status=429)


def within_limits(request, scope, email):
    """Whether this post may go on: the client address's posts and the email address's
    accepted submissions, both under their limits (`consultations.ratelimit`). A cache that
    cannot answer lets the post go on, logged: its outage must not turn people away."""
    try:
        allowed = address_allows(request, scope)
        return email_allows(scope, email) and allowed
    except CACHE_FAULTS:
        logger.warning("The rate limit could not count a %s post; it went on unlimited.", scope)
        return True


def count_accepted(scope, email):
    """Count an accepted submission against its email address. The submission is stored by
    then: a cache that fails now is logged, never turned into an error for the person."""
    try:
        count_submission(scope, email)
    except CACHE_FAULTS:
        logger.warning("The rate limit could not count an accepted %s submission.", scope)


def spam_refused(request, hearing):
    return render(
        request, "consultations/forms/spam_refused.html", {"hearing": hearing}, status=400
    )


def form_hearing(request, slug):
    return hearing_for(request, slug, Hearing.objects.select_related("process"))


def database_unavailable(request, template, context, form):
    """The form again, as the person filled it, with a sentence asking them to send it again in a
    minute, and a 503. The submission's transaction was rolled back, so nothing was stored, and
    config.middleware deletes any upload the request saved. The page renders even while the
    database stays down: the pickers then fall back to what the request already holds."""
    form.add_error(
        None,
        _(
            "The service is briefly unavailable: your text is kept below, please send it again "
            "in a minute."
        ),
    )
    context.update(form=form, alert_only=True)
    try:
        context["organizations"] = list(organization_suggestions())
        response = render(request, template, context, status=503)
    except (*DATABASE_FAULTS, transaction.TransactionManagementError):
        form.without_database()
        context["organizations"] = []
        response = render(request, template, context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# Registration ----------------------------------------------------------------------------------


# Not one transaction per request: the service's own transaction is the whole submission, so a
# database fault during it (the commit included) is caught here and the form kept.
@transaction.non_atomic_requests
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register(request, slug):
    hearing = form_hearing(request, slug)
    closed = window_message(hearing, hearing.registration_window, _("Registration"))
    retention_days = getattr(settings, "REGISTRATION_RETENTION_DAYS", 365)
    context = {
        "hearing": hearing,
        "closed": closed,
        "retention_days": retention_days,
        "retention_notice": retention_notice(retention_days),
    }
    if closed:
        status = 403 if request.method == "POST" else 200
        return render(request, "consultations/forms/registration_form.html", context, status=status)
    form = RegistrationForm(hearing=hearing)
    if request.method == "POST":
        form = RegistrationForm(request.POST, request.FILES, hearing=hearing)
        template = "consultations/forms/registration_form.html"
        if not within_limits(request, "register", request.POST.get("email", "")):
            return too_many_posts(request, template, context, form)
        if form.is_spam():
            return spam_refused(request, hearing)
        if form.is_valid():
            registration = form.save(commit=False)
            registration.privacy_consent_at = timezone.now()
            registration.language = correspondence_language()
            try:
                submit_registration(
                    registration, link=lambda r: site_url(registration_status_path(r))
                )
            except SubmissionRefused as refused:
                for field, errors in refused.message_dict.items():
                    form.add_error(field, errors)
            except DATABASE_FAULTS:
                return database_unavailable(
                    request, "consultations/forms/registration_form.html", context, form
                )
            else:
                count_accepted("register", registration.email)
                # The same answer whether the address was new or already registered: the
                # status link goes by email only, to the owner of the address.
                return redirect("consultations:registration_received", hearing.slug)
    context.update(
        form=form, error_title=error_summary_title(form), organizations=organization_suggestions()
    )
    return render(request, "consultations/forms/registration_form.html", context)


@never_cache
@require_safe
def registration_received(request, slug):
    """What follows every accepted registration form, new address or not: the status link is
    in the email, never on this page."""
    return render(
        request,
        "consultations/forms/registration_received.html",
        {"hearing": form_hearing(request, slug)},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def registration_status(request, token):
    try:
        registration = record_from_token(
            Registration,
            token,
            REGISTRATION_SALT,
            Registration.objects.select_related("hearing__process", "organization"),
        )
    except LinkExpired:
        return link_expired(request)
    error = None
    action = request.POST.get("action") if request.method == "POST" else None
    floor = registrant_floor(registration)
    try:
        if action == "cancel":
            decide_registration(
                registration, RegistrationStatus.CANCELLED, through_status_link=True
            )
            return redirect(request.path + "?cancelled=1")
        if action == "ask_floor" and floor.floor_list is not None:
            request_floor(registration, floor.floor_list.segment)
            return redirect(request.path)
        if action == "withdraw_floor" and floor.request is not None:
            withdraw_floor_request(floor.request, registration=registration)
            return redirect(request.path)
    except TransitionRefused as refused:
        error = refused.messages[0]
    return render(
        request,
        "consultations/forms/registration_status.html",
        {
            "registration": registration,
            "hearing": registration.hearing,
            "can_cancel": registration.status in RegistrationStatus.active(),
            "badge_path": badge_path(registration)
            if registration.status == RegistrationStatus.APPROVED
            else "",
            "cancelled": "cancelled" in request.GET,
            "floor": floor,
            "error": error,
        },
    )


@dataclass
class RegistrantFloor:
    """The hearing's running speakers' list as one approved registrant sees it."""

    floor_list: FloorList | None
    request: SpeakerRequest | None


def registrant_floor(registration):
    floor_list = None
    if registration.status == RegistrationStatus.APPROVED:
        floor_list = current_floor_list(registration.hearing_id)
    if floor_list is None or floor_list.ended_at is not None:
        return RegistrantFloor(None, None)
    request = floor_list.requests.filter(
        registration=registration, state__in=SpeakerState.queued()
    ).first()
    return RegistrantFloor(floor_list, request)


# Contribution ----------------------------------------------------------------------------------


@transaction.non_atomic_requests
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contribute(request, slug):
    hearing = form_hearing(request, slug)
    closed = window_message(hearing, hearing.contribution_window, _("The call for contributions"))
    context = {"hearing": hearing, "closed": closed, "body_max": BODY_MAX}
    if closed:
        status = 403 if request.method == "POST" else 200
        return render(request, "consultations/forms/contribution_form.html", context, status=status)
    form = ContributionForm(hearing=hearing, initial={"language": correspondence_language()})
    if request.method == "POST" and "preview" in request.POST:
        # Without JavaScript: show the text as it will look, and the form as typed, unchecked.
        form = ContributionForm(hearing=hearing, initial=request.POST.dict())
        context["preview"] = render_markdown(request.POST.get("body", "")[:BODY_MAX])
    elif request.method == "POST":
        form = ContributionForm(request.POST, request.FILES, hearing=hearing)
        template = "consultations/forms/contribution_form.html"
        if not within_limits(request, "contribute", request.POST.get("author_email", "")):
            return too_many_posts(request, template, context, form)
        if form.is_spam():
            return spam_refused(request, hearing)
        if form.is_valid():
            contribution = form.save(commit=False)
            contribution.correspondence_language = correspondence_language()
            try:
                contribution, created = submit_contribution(
                    contribution, link=lambda c: site_url(contribution_status_path(c))
                )
            except SubmissionRefused as refused:
                for field, errors in refused.message_dict.items():
                    form.add_error(field, errors)
            except DATABASE_FAULTS:
                return database_unavailable(
                    request, "consultations/forms/contribution_form.html", context, form
                )
            else:
                if not created:
                    # A second send of the same text (a double click, a reload): stored once.
                    # Its status link went to the author's email only, never to whoever sent
                    # it again.
                    return render(
                        request, "consultations/forms/already_received.html", {"hearing": hearing}
                    )
                count_accepted("contribute", contribution.author_email)
                return redirect(contribution_status_path(contribution) + "?submitted=1")
    context.update(
        form=form, error_title=error_summary_title(form), organizations=organization_suggestions()
    )
    return render(request, "consultations/forms/contribution_form.html", context)


@never_cache
@require_POST
def markdown_preview(request, slug):
    """The live preview's HTML, rendered by the one Markdown renderer the public pages use."""
    hearing_for(request, slug, Hearing.objects.all())
    if not address_allows(request, "preview", limit=PREVIEW_POSTS):
        return too_many_posts(request)
    html = render_markdown(request.POST.get("body", "")[:BODY_MAX])
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contribution_status(request, token):
    try:
        contribution = record_from_token(
            Contribution,
            token,
            CONTRIBUTION_SALT,
            Contribution.objects.select_related("hearing__process", "segment", "organization"),
        )
    except LinkExpired:
        return link_expired(request)
    error = None
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            moderate_contribution(
                contribution, ContributionStatus.WITHDRAWN, through_status_link=True
            )
        except TransitionRefused as refused:
            error = refused.messages[0]
        else:
            return redirect(request.path + "?withdrawn=1")
    return render(
        request,
        "consultations/forms/contribution_status.html",
        {
            "contribution": contribution,
            "hearing": contribution.hearing,
            "can_withdraw": contribution.status in ContributionStatus.awaiting_review(),
            "is_published": contribution.status in ContributionStatus.public(),
            "submitted": "submitted" in request.GET,
            "withdrawn": "withdrawn" in request.GET,
            "error": error,
        },
    )


@require_http_methods(["GET", "HEAD"])
def attachment(request, reference):
    """A contribution's file, to whoever may read the contribution (`access.contribution_for`):
    the public once it is published to a published hearing, staff always."""
    contribution = contribution_for(
        request, reference, Contribution.objects.only("reference", "status", "attachment")
    )
    if not contribution.attachment:
        raise Http404
    extension = PurePath(contribution.attachment.name).suffix.lower().lstrip(".")
    content_type = (
        CONTENT_TYPES.get(extension) or mimetypes.guess_type(contribution.attachment.name)[0]
    )
    try:
        handle = contribution.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{contribution.reference}.{extension}" if extension else contribution.reference,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
