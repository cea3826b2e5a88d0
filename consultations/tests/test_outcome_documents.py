"""The outcome as documents: the PDF made on the server (WeasyPrint) and the Word file, read back
with pdftotext and python-docx, and who may fetch them."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from docx.oxml.ns import qn

from consultations.enums import OutcomeStatus, TranslationStatus, UNLanguage
from consultations.models import Hearing, Outcome, SegmentTranslation
from consultations.tests.documents_support import (
    docx_document,
    docx_text,
    flowing,
    pdftotext,
    seed_sentences,
)
from consultations.tests.factories import (
    HearingFactory,
    KeyMessageFactory,
    OutcomeFactory,
    SegmentFactory,
)
from consultations.tests.test_fixture import PROGRAMME, source_paragraphs

pytestmark = pytest.mark.django_db

SLUG = "gcm-second-multi-stakeholder-hearing-2017"
TITLE = "Second informal interactive multi-stakeholder hearing"
PDF_URL = f"/hearings/{SLUG}/outcomes.pdf"
DOCX_URL = f"/hearings/{SLUG}/outcomes.docx"


@pytest.fixture
def seed():
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    return Hearing.objects.get(slug=SLUG)


# The outcome of the seed hearing as PDF ----------------------------------------------------------


def test_outcome_pdf_holds_every_summary_sentence_of_the_seed(client, seed, tmp_path):
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'inline; filename="{SLUG}-outcomes-en.pdf"')
    body = flowing("\n".join(pdftotext(response.content, tmp_path, part="body")))
    missing = [sentence for sentence in seed_sentences() if sentence not in body]
    assert missing == []
    assert len(seed_sentences()) == 47
    paragraphs = source_paragraphs()
    assert paragraphs[0] in body  # the hearing's title
    assert paragraphs[1] in body  # the process
    assert "11 October 2017" in body
    assert "Room XIX, Palais des Nations, Geneva" in body


def test_outcome_pdf_has_a_title_block_a_running_header_and_a_footer(client, seed, tmp_path):
    pdf = client.get(PDF_URL).content
    pages = pdftotext(pdf, tmp_path)
    count = len(pages)
    assert count > 1
    first = flowing(pages[0])
    # The title block: organiser, date, venue, mandate and support.
    for fact in [
        "Summary of the second informal interactive multi-stakeholder hearing",
        "Organized by The President of the General Assembly",
        "Date 11 October 2017",
        "Venue Room XIX, Palais des Nations, Geneva",
        "Mandate Paragraph 30 of General Assembly resolution 71/280",
        "With the support of International Organization for Migration",
    ]:
        assert fact in first, fact
    address = f"http://127.0.0.1:8000/hearings/{SLUG}/outcomes/?language=en"
    printed = date_format(timezone.localdate(), "DATE_FORMAT")
    headers, footers = pdftotext(pdf, tmp_path, "header"), pdftotext(pdf, tmp_path, "footer")
    # The running header names the hearing on every page but the first.
    assert [flowing(header) for header in headers] == ["", *[TITLE] * (count - 1)]
    assert [flowing(footer) for footer in footers] == [
        f"{address} UN multi-stakeholder hearings · Printed on {printed} page {number} of {count}"
        for number in range(1, count + 1)
    ]
    assert f"page 1 of {count}" in flowing(pages[0])


def test_outcome_pdf_lays_out_headings_with_their_text_and_no_near_empty_last_page(
    client, seed, tmp_path
):
    pages = pdftotext(client.get(PDF_URL).content, tmp_path, part="body")
    for page in pages[:-1]:
        last_line = [line for line in page.splitlines() if line.strip()][-1]
        assert last_line.strip() not in {title for _kind, title, _subs in PROGRAMME}
    assert len([line for line in pages[-1].splitlines() if line.strip()]) >= 8


# The outcome of the seed hearing as Word -------------------------------------------------------


def test_outcome_docx_holds_the_same_sentences_in_word_styles(client, seed):
    response = client.get(DOCX_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-outcomes-en.docx"'
    document = docx_document(response.content)
    text = docx_text(document)
    assert [sentence for sentence in seed_sentences() if sentence not in text] == []

    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert [t for s, t in styled if s == "Title"] == [
        "Summary of the second informal interactive multi-stakeholder hearing"
    ]
    assert [t for s, t in styled if s == "Heading 1"] == [
        "About the hearing",
        "Panels, summaries and key messages",
    ]
    assert [t for s, t in styled if s == "Heading 2"] == [title for _kind, title, _ in PROGRAMME]
    assert [t for s, t in styled if s == "Heading 3"] == [
        "The Americas",
        "Africa and Europe",
        "Asia and Middle East",
    ]
    assert ("Normal", "Date: 11 October 2017") in styled
    assert ("List Bullet", "Mr. Ilias Chatzis, Chief of Human Trafficking and Migrant Smuggling "
            "Section, United Nations Office on Drugs & Crime") in styled  # fmt: skip

    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    assert [p.text for p in section.header.paragraphs] == [TITLE]
    footer = section.footer.paragraphs
    assert footer[0].text.startswith(f"http://127.0.0.1:8000/hearings/{SLUG}/outcomes/")
    fields = [f.get(qn("w:instr")) for f in footer[1]._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert document.core_properties.title == (
        "Summary of the second informal interactive multi-stakeholder hearing"
    )


def test_key_messages_are_numbered_lists_each_from_one(client):
    first, second = SegmentFactory(title="First panel"), None
    second = SegmentFactory(hearing=first.hearing, title="Second panel")
    OutcomeFactory(hearing=first.hearing)
    for segment in (first, second):
        KeyMessageFactory(segment=segment, text=f"{segment.title}: message one.")
        KeyMessageFactory(segment=segment, text=f"{segment.title}: message two.")
    response = client.get(reverse("consultations:outcomes_docx", args=[first.hearing.slug]))
    document = docx_document(response.content)
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == [
        "First panel: message one.",
        "First panel: message two.",
        "Second panel: message one.",
        "Second panel: message two.",
    ]
    lists = [p._p.pPr.numPr.numId.val for p in numbered]
    assert lists[0] == lists[1] != lists[2] == lists[3]
    numbering = document.part.numbering_part.element
    for num_id in {lists[0], lists[2]}:
        start = numbering.num_having_numId(num_id).find(f".//{qn('w:startOverride')}")
        assert start.get(qn("w:val")) == "1"


# Who may fetch them ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["outcomes_pdf", "outcomes_docx"])
def test_outcome_documents_wait_for_the_published_outcome(client, stakeholder, viewer, name):
    segment = SegmentFactory(summary="Draft summary of the panel.")
    hearing = segment.hearing
    outcome = Outcome.objects.create(hearing=hearing, title="Summary", status=OutcomeStatus.DRAFT)
    url = reverse(f"consultations:{name}", args=[hearing.slug])
    assert client.get(url).status_code == 404
    client.force_login(stakeholder)
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    assert client.get(url).status_code == 200  # staff preview the draft

    client.logout()
    outcome.status = OutcomeStatus.PUBLISHED
    outcome.save()
    assert client.get(url).status_code == 200
    hearing.published = False
    hearing.save()
    assert client.get(url).status_code == 404
    assert client.get(reverse(f"consultations:{name}", args=["no-such"])).status_code == 404


def test_a_previewed_draft_says_it_is_a_draft(client, viewer, tmp_path):
    segment = SegmentFactory()
    Outcome.objects.create(hearing=segment.hearing, title="Summary", status=OutcomeStatus.DRAFT)
    client.force_login(viewer)
    response = client.get(reverse("consultations:outcomes_pdf", args=[segment.hearing.slug]))
    text = flowing("\n".join(pdftotext(response.content, tmp_path)))
    assert "Draft: this outcome is not published yet." in text


def test_the_outcomes_page_links_both_documents_once_published(client, viewer):
    segment = SegmentFactory()
    hearing = segment.hearing
    outcome = Outcome.objects.create(hearing=hearing, title="Summary", status=OutcomeStatus.DRAFT)
    page_url = reverse("consultations:outcomes", args=[hearing.slug])
    pdf = f'href="/hearings/{hearing.slug}/outcomes.pdf?language=en"'
    docx = f'href="/hearings/{hearing.slug}/outcomes.docx?language=en"'
    client.force_login(viewer)
    preview = client.get(page_url).content.decode()
    assert pdf not in preview
    assert docx not in preview
    client.logout()
    outcome.status = OutcomeStatus.PUBLISHED
    outcome.save()
    page = client.get(page_url).content.decode()
    assert pdf in page
    assert docx in page


def test_one_document_for_each_language_the_texts_are_stored_in(client, tmp_path):
    segment = SegmentFactory(title="Regional perspectives", summary="Original summary.")
    OutcomeFactory(hearing=segment.hearing)
    SegmentTranslation.objects.create(
        segment=segment,
        language=UNLanguage.FRENCH,
        title="Perspectives régionales",
        summary="Résumé traduit.",
        translation_status=TranslationStatus.VERIFIED,
    )
    slug = segment.hearing.slug
    page = client.get(reverse("consultations:outcomes", args=[slug])).content.decode()
    for code in ("en", "fr"):
        assert f'href="/hearings/{slug}/outcomes.pdf?language={code}"' in page
        assert f'href="/hearings/{slug}/outcomes.docx?language={code}"' in page
    assert "outcomes.pdf?language=es" not in page

    french = client.get(reverse("consultations:outcomes_pdf", args=[slug]) + "?language=fr")
    assert french["Content-Language"] == "fr"
    assert french["Content-Disposition"] == f'inline; filename="{slug}-outcomes-fr.pdf"'
    text = flowing("\n".join(pdftotext(french.content, tmp_path)))
    assert "Perspectives régionales" in text
    assert "Résumé traduit." in text
    assert "Tables rondes, résumés et messages clés" in text  # headings in French too
    english = client.get(reverse("consultations:outcomes_docx", args=[slug]) + "?language=en")
    assert "Original summary." in docx_text(docx_document(english.content))


def test_a_hearing_without_outcome_document_is_404(client):
    hearing = HearingFactory()
    assert client.get(reverse("consultations:outcomes_pdf", args=[hearing.slug])).status_code == 404
