from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from consultations.models import (
    Contribution,
    Hearing,
    Intervention,
    KeyMessage,
    Participation,
    Segment,
    SubDiscussion,
)


def home(request):
    hearings = Hearing.objects.select_related("process").only(
        "title", "slug", "date", "venue", "city", "process__title"
    )
    return render(
        request,
        "consultations/home.html",
        {"upcoming": hearings.upcoming(), "past": hearings.past()},
    )


def programme_queryset(language):
    """A hearing with its whole programme, in a fixed number of queries whatever its size: the
    hearing, then one query per kind of row below it (segments, sub-discussions, roles, floor
    interventions, key messages, and the translations into the interface language)."""
    roles = Participation.objects.select_related("person", "organization")
    floor = Intervention.objects.select_related("organization")
    key_messages = KeyMessage.objects.prefetch_related(KeyMessage.translations_prefetch(language))
    sub_discussions = SubDiscussion.objects.prefetch_related(
        SubDiscussion.translations_prefetch(language),
        Prefetch("participations", queryset=roles),
        Prefetch("interventions", queryset=floor),
    )
    segments = Segment.objects.prefetch_related(
        Segment.translations_prefetch(language),
        Prefetch("participations", queryset=roles),
        Prefetch("interventions", queryset=floor),
        Prefetch("sub_discussions", queryset=sub_discussions),
        Prefetch("key_messages", queryset=key_messages),
    )
    return Hearing.objects.select_related("process", "supporting_organization").prefetch_related(
        Hearing.translations_prefetch(language), Prefetch("segments", queryset=segments)
    )


def get_hearing_for_user(request, slug, queryset):
    """Published hearings are public; staff may also preview unpublished ones. Anyone else gets a
    404, as if the hearing did not exist."""
    if not (request.user.is_staff and request.user.has_perm("consultations.view_hearing")):
        queryset = queryset.published()
    return get_object_or_404(queryset, slug=slug)


def hearing_detail(request, slug):
    hearing = get_hearing_for_user(request, slug, programme_queryset(get_language()))
    return render(request, "consultations/hearing_detail.html", {"hearing": hearing})


def contribution_detail(request, reference):
    """A published contribution; anything else is a 404, as if it did not exist."""
    contribution = get_object_or_404(
        Contribution.objects.published().select_related("hearing", "segment", "organization"),
        reference=reference,
    )
    return render(request, "consultations/contribution_detail.html", {"contribution": contribution})
