"""The outcome as documents a secretariat can issue (PDF) or edit (Word). They follow the
outcome's publication rule: public once the hearing's outcome is published, previewed by staff
before, 404 for anyone else."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from consultations.documents import render_pdf
from consultations.templatetags.public_site import absolute_url
from consultations.views import outcome_context
from consultations.views_support import public_page
from consultations.word import render_docx


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
