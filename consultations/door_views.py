"""The hearing's day: a registrant's badge, the sheet of a hearing's badges for staff to print,
and the check-in page at the door (camera, typed reference or name search, walk-ins)."""

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from consultations.access import hearing_for, staff_may_view
from consultations.badges import (
    BADGE_LINK_MAX_AGE,
    BADGE_LINK_SALT,
    badge_context,
    organization_of,
    registrations_for_badges,
)
from consultations.document_makers import render_pdf
from consultations.enums import RegistrationStatus
from consultations.forms import WalkInForm
from consultations.models import Hearing, Registration
from consultations.notifications import site_url
from consultations.services import (
    CheckInRefused,
    TransitionRefused,
    UnknownBadge,
    check_in,
    register_walk_in,
)
from consultations.submission_views import (
    correspondence_language,
    error_summary_title,
    link_expired,
    registration_status_path,
)

SEARCH_RESULTS = 20
BADGES_PER_SHEET = 4
CHECK_IN_PERMISSION = "consultations.check_in_registration"


def may_check_in(user):
    """Door staff and editors: staff holding the check-in permission."""
    return bool(
        user and user.is_authenticated and user.is_staff and user.has_perm(CHECK_IN_PERMISSION)
    )


@never_cache
@require_safe
def badge(request, token):
    """A registrant's badge, through the signed link of their approval email or status page.
    Only an approved registration has one: a cancelled one's link answers 404."""
    try:
        pk = signing.TimestampSigner(salt=BADGE_LINK_SALT).unsign(token, max_age=BADGE_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return link_expired(request)
    except signing.BadSignature:
        raise Http404 from None
    registration = get_object_or_404(
        registrations_for_badges().filter(status=RegistrationStatus.APPROVED), pk=pk
    )
    return render_pdf(
        request,
        "consultations/documents/badge.html",
        {"badges": [badge_context(registration)], "hearing": registration.hearing},
        f"badge-{registration.reference}.pdf",
    )


@never_cache
@require_safe
def badge_sheet(request, slug):
    """Every approved badge of a hearing on A4 sheets with cut marks, in name order, for staff
    who may view registrations."""
    if not staff_may_view(request.user, Registration):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        raise PermissionDenied
    hearing = hearing_for(request, slug, Hearing.objects.select_related("process"))
    registrations = registrations_for_badges(
        hearing.registrations.filter(status=RegistrationStatus.APPROVED)
    ).order_by("name", "pk")
    badges = [badge_context(registration) for registration in registrations]
    sheets = [
        badges[start : start + BADGES_PER_SHEET]
        for start in range(0, len(badges), BADGES_PER_SHEET)
    ]
    return render_pdf(
        request,
        "consultations/documents/badge_sheet.html",
        {"sheets": sheets, "hearing": hearing},
        f"{hearing.slug}-badges.pdf",
        fit=False,
    )


def door_hearing(request, slug):
    if not may_check_in(request.user):
        if not request.user.is_authenticated:
            raise NotSignedIn
        raise PermissionDenied
    return hearing_for(request, slug, Hearing.objects.select_related("process"))


class NotSignedIn(Exception):
    pass


def answer_of(registration=None, refusal=None, unknown=False):
    """What the page shows after a scan: a colour, a headline and who it is."""
    if unknown:
        return {"colour": "red", "headline": _("Unknown badge")}
    if refusal is not None:
        colour = "amber" if refusal.code == "already_checked_in" else "red"
        registration = refusal.registration
        headline = refusal.messages[0]
    else:
        colour, headline = "green", _("Checked in")
    return {
        "colour": colour,
        "headline": headline,
        "name": registration.name,
        "organization": organization_of(registration),
        "category": registration.get_category_display(),
        "walk_in": registration.walk_in,
    }


def search_registrations(hearing, query):
    """A hearing's registrations whose name or organization holds `query`, by name."""
    words = query.split()[:5]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= (
            Q(name__icontains=word)
            | Q(organization__name__icontains=word)
            | Q(organization_name__icontains=word)
        )
    registrations = (
        hearing.registrations.filter(condition)
        .select_related("hearing__process", "organization")
        .order_by("name", "pk")[:SEARCH_RESULTS]
    )
    return list(registrations)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_page(request, slug):
    """The door: a camera reading badges (static/js/check-in.js), or a reference typed, or a
    name searched, which all work without JavaScript; and walk-ins registered on the spot."""
    try:
        hearing = door_hearing(request, slug)
    except NotSignedIn:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    context = {"hearing": hearing, "query": request.GET.get("q", "").strip()[:100]}
    status = 200
    walk_in_form = WalkInForm(hearing=hearing)
    action = request.POST.get("action")
    if request.method == "POST" and action == "walk_in":
        walk_in_form = WalkInForm(request.POST, hearing=hearing)
        if walk_in_form.is_valid():
            registration = walk_in_form.save(commit=False)
            registration.hearing = hearing
            registration.privacy_consent_at = timezone.now()
            registration.language = correspondence_language()
            try:
                registration = register_walk_in(
                    registration,
                    link=lambda r: site_url(registration_status_path(r)),
                    by=request.user,
                )
            except TransitionRefused as refused:
                walk_in_form.add_error(None, refused.messages[0])
                status = 409
            else:
                context["answer"] = answer_of(registration)
                walk_in_form = WalkInForm(hearing=hearing)
        else:
            status = 400
    elif request.method == "POST":
        code = request.POST.get("code", "")
        context["code"] = code[:200]
        try:
            registration = check_in(hearing, code, request.user)
        except UnknownBadge:
            context["answer"], status = answer_of(unknown=True), 404
        except CheckInRefused as refusal:
            context["answer"], status = answer_of(refusal=refusal), 409
        else:
            context["answer"] = answer_of(registration)
    if context["query"]:
        context["results"] = search_registrations(hearing, context["query"])
    context["walk_in_form"] = walk_in_form
    context["walk_in_error_title"] = error_summary_title(walk_in_form)
    return render(request, "consultations/check_in.html", context, status=status)
