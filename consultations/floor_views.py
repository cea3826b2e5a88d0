"""The live speakers' list on the web: the public page (and its projector mode) and the chair's
console. Both show the state the services leave in the database; the console's buttons are
plain forms posting to `floor_console`, which calls the services."""

import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consultations import services
from consultations.access import hearing_for
from consultations.badges import registration_id_from_code
from consultations.enums import RegistrationStatus, SegmentKind, SpeakerState
from consultations.floor import balance, public_state
from consultations.floor_actions import act
from consultations.models import Hearing, Registration, Segment
from consultations.views_support import public_page

# Without JavaScript the public page reloads itself this often.
REFRESH_SECONDS = 5
SEARCH_RESULTS = 10
SEARCH_MAX_LENGTH = 200


@never_cache
@public_page
def live(request, slug):
    hearing = hearing_for(request, slug, Hearing.objects.only("pk", "slug", "title", "published"))
    state = public_state(hearing.pk)
    left = seconds_left(state["speaking"])
    return render(
        request,
        "consultations/floor/live.html",
        {
            "hearing": hearing,
            "state": state,
            "seconds_left": left,
            "seconds_left_label": seconds_left_label(left),
            "display": request.GET.get("display") == "1",
            "refresh_seconds": REFRESH_SECONDS,
            "socket_origin": settings.LIVE_SOCKET_ORIGIN,
        },
    )


def seconds_left(speaker):
    """The speaker's time left as the page is made, for the page without JavaScript."""
    if speaker is None:
        return None
    ends_at = datetime.datetime.fromisoformat(speaker["ends_at"])
    return max(0, round((ends_at - timezone.now()).total_seconds()))


def seconds_left_label(seconds):
    """“12 seconds left” under the speaker, for the page without JavaScript: a plural."""
    if seconds is None:
        return ""
    return ngettext("%(seconds)s second left", "%(seconds)s seconds left", seconds) % {
        "seconds": seconds
    }


def balance_label(figures):
    """The balance's first sentence on the console: a plural."""
    return ngettext(
        "%(speakers)s speaker, %(minutes)s minutes in all.",
        "%(speakers)s speakers, %(minutes)s minutes in all.",
        figures.speakers,
    ) % {"speakers": figures.speakers, "minutes": figures.minutes}


def may_run_floor(user):
    return user.is_authenticated and user.is_staff and user.has_perm("consultations.run_floor")


def check_chair(request):
    """Anonymous visitors are sent to sign in; staff without the permission are refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    if not may_run_floor(request.user):
        raise PermissionDenied
    return None


@never_cache
@require_http_methods(["GET", "HEAD"])
def floor_segments(request, slug):
    """The hearing's interactive segments, each leading to its console."""
    if (answer := check_chair(request)) is not None:
        return answer
    hearing = get_object_or_404(Hearing, slug=slug)
    segments = hearing.segments.filter(kind=SegmentKind.INTERACTIVE).order_by("order")
    return render(
        request, "consultations/floor/segments.html", {"hearing": hearing, "segments": segments}
    )


def found_registrations(hearing, query):
    """Approved registrations of the hearing matching a badge scanned into the field (its QR
    code's token), a reference (GCM-2017-R00042 or 42), or a part of a name or organization."""
    # A NUL (a bad scan, a paste) is no character of any name, and PostgreSQL refuses it.
    query = query.replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    if not query:
        return []
    matches = Q(name__icontains=query) | Q(organization__name__icontains=query)
    number = registration_id_from_code(query)
    if number is None and query.isascii() and query.isdigit():
        number = int(query)
    if number is not None:
        matches |= Q(pk=number)
    return list(
        Registration.objects.filter(matches, hearing=hearing, status=RegistrationStatus.APPROVED)
        .select_related("organization", "hearing__process")
        .order_by("name", "pk")[:SEARCH_RESULTS]
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def floor_console(request, slug, order):
    """The chair's console for one interactive segment, made for a tablet: the queue with its
    buttons, the speaker's clock, and the balance so far."""
    if (answer := check_chair(request)) is not None:
        return answer
    segment = get_object_or_404(
        Segment.objects.select_related("hearing__process"), hearing__slug=slug, order=order
    )
    if segment.kind != SegmentKind.INTERACTIVE:
        raise Http404
    floor_list = services.floor_list_for(segment)
    error = None
    if request.method == "POST":
        try:
            act(floor_list, request.POST, request.user)
        except services.TransitionRefused as refused:
            error = refused.messages[0]
        else:
            return redirect(request.path)
        floor_list.refresh_from_db()
    query = request.GET.get("q", "") if request.method != "POST" else request.POST.get("q", "")
    requests = list(
        floor_list.requests.filter(state__in=SpeakerState.queued())
        .select_related("registration", "organization")
        .order_by("position")
    )
    figures = balance(floor_list)
    return render(
        request,
        "consultations/floor/console.html",
        {
            "hearing": segment.hearing,
            "segment": segment,
            "floor_list": floor_list,
            "speaking": next((r for r in requests if r.state == SpeakerState.SPEAKING), None),
            "waiting": [r for r in requests if r.state == SpeakerState.WAITING],
            "balance": figures,
            "balance_label": balance_label(figures),
            "balance_tables": [
                (_("By stakeholder category"), figures.by_category),
                (_("By region"), figures.by_region),
            ],
            "query": query,
            "found": found_registrations(segment.hearing, query),
            "error": error,
            "default_minutes": floor_list.default_limit_seconds / 60,
            "socket_origin": settings.LIVE_SOCKET_ORIGIN,
        },
        status=400 if error else 200,
    )
