"""The outcome as documents a secretariat can issue (PDF) or edit (Word), and the list of
participants as a page and a PDF. Each follows the outcome's publication rule: public once the
hearing's outcome is published, previewed by staff before, 404 for anyone else."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from consultations.access import hearing_for, outcome_texts_shown, staff_may_view_page
from consultations.document_makers import render_docx, render_pdf
from consultations.models import Hearing
from consultations.participant_list import list_of_participants
from consultations.public_site import absolute_url
from consultations.views import outcome_context
from consultations.views_support import public_page


def document_language(text_language):
    """A document's headings are in the language of its texts where the site speaks it (an
    outcome in French is a French document), else in the visitor's."""
    return text_language if text_language in dict(settings.LANGUAGES) else get_language()


def printed(address):
    """What the running footer says: the page the document comes from and when it was made."""
    return {"page_address": absolute_url(address), "printed_on": timezone.localdate()}


def outcome_document(request, slug, render_document, extension):
    context = outcome_context(request, slug)
    language = context["text_language"]
    page = reverse("consultations:outcomes", args=[slug])
    context |= printed(f"{page}?language={language}")
    with translation.override(document_language(language)):
        response = render_document(
            request,
            "consultations/documents/outcomes.html",
            context,
            f"{slug}-outcomes-{language}.{extension}",
        )
        response["Content-Language"] = get_language()
    return response


@public_page
def outcomes_pdf(request, slug):
    return outcome_document(request, slug, render_pdf, "pdf")


@public_page
def outcomes_docx(request, slug):
    return outcome_document(request, slug, render_docx, "docx")


def participants_context(request, slug):
    hearing = hearing_for(
        request,
        slug,
        Hearing.objects.select_related(
            "process", "outcome", "supporting_organization"
        ).prefetch_related(Hearing.translations_prefetch(get_language())),
    )
    if not outcome_texts_shown(request, hearing):
        raise Http404("The list of participants is published with the outcome.")
    public = not staff_may_view_page(request, Hearing)
    return {
        "hearing": hearing,
        "outcome": getattr(hearing, "outcome", None),
        "participants": list_of_participants(hearing, public=public),
    }


@public_page
def participants(request, slug):
    return render(
        request, "consultations/participant_list.html", participants_context(request, slug)
    )


@public_page
def participants_pdf(request, slug):
    context = participants_context(request, slug)
    context |= printed(reverse("consultations:participants", args=[slug]))
    return render_pdf(
        request,
        "consultations/documents/participants.html",
        context,
        f"{slug}-participants.pdf",
    )
