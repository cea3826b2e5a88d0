"""A process's trail, `/processes/<code>/`: its phases with the current one marked, its published
hearings on one timeline with their outcomes, its documents, and "You said" (the key messages of
its published outcomes with the contributions they cite); and its hearings as iCalendar."""

import itertools

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from consultations.feeds import FEED_FIELDS, calendar_response
from consultations.models import Hearing, KeyMessage, Process
from consultations.rules import current_phase
from consultations.views import hearing_cards
from consultations.views_support import link_maker, public_page

PROCESS_FIELDS = ["title", "slug", "code", "mandate_reference", "description"]


def process_hearings(process):
    """The process's hearings the public may see, oldest first: the timeline."""
    return Hearing.objects.published().filter(process=process).order_by("date", "title")


def you_said(process):
    """The process's key messages grouped by hearing, in order, each group with the link to its
    hearing's outcomes and each cited contribution with its link, made once per page."""
    outcomes = link_maker("consultations:outcomes")
    contribution = link_maker("consultations:contribution")
    messages = KeyMessage.objects.you_said(process, get_language())
    groups = []
    for hearing, group in itertools.groupby(messages, key=lambda message: message.segment.hearing):
        group = list(group)
        for message in group:
            for cited in message.cited:
                cited.url = contribution(cited.reference)
        groups.append(
            {"hearing": hearing, "outcomes_url": outcomes(hearing.slug), "messages": group}
        )
    return groups


@public_page
def process_detail(request, code):
    # 1 process, 2 phases, 3 documents, 4 hearings with their outcomes, 5 key messages with
    # their hearings, 6 their translations, 7 the contributions they cite
    process = get_object_or_404(Process.objects.only(*PROCESS_FIELDS), code=code)
    phases = list(process.phases.all())
    return render(
        request,
        "consultations/process_detail.html",
        {
            "process": process,
            "phases": phases,
            "current_phase": current_phase(phases),
            "documents": process.documents.all(),
            "hearings": hearing_cards(process_hearings(process).for_cards()),
            "you_said": you_said(process),
        },
    )


@require_safe
def process_calendar(request, code):
    process = get_object_or_404(Process.objects.only("title", "code"), code=code)
    hearings = process_hearings(process).only(*FEED_FIELDS)
    return calendar_response(hearings, process.title, f"{process.code}.ics")
