"""A document as Word (DOCX), for the secretariat to edit before issuing it: the HTML of the PDF
template (consultations/documents.py) read back into Word's own styles, so the PDF and the Word
file say the same thing in the same order and no rule about what is shown is written twice.

How the HTML maps: `h1` is the Title, `h2` to `h4` are Heading 1 to 3, `p` a Normal paragraph, each
`ol` a numbered list starting at 1 and each `ul` a bulleted one, `dt` a bold line and `dd` a
bullet under it (a `dl.facts` pair is one "label: value" line). The running header becomes the
page header, the running footer and page line the page footer, with Word's PAGE and NUMPAGES
fields where the PDF counts pages. The HTML is our own template's output, never a visitor's
markup: it is parsed as HTML, which has no entities or external references to resolve."""

import io
import re

import lxml.html
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "div",
    "dd",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "ul",
}
RUNNING = {"running-header", "running-footer", "running-page"}
FIELDS = {"page-number": "PAGE", "page-count": "NUMPAGES"}
FONT = "Times New Roman"
# What may follow w:bidi in a paragraph's properties (the schema fixes their order).
PARAGRAPH_PROPERTIES_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def classes(element):
    return set((element.get("class") or "").split())


def is_block(node):
    return isinstance(node.tag, str) and node.tag in BLOCK_TAGS


def has_block_children(element):
    return any(is_block(child) for child in element.iterdescendants())


def language_of(element):
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return node.get("lang"), node.get("dir") == "rtl"
    return None, False


class WordWriter:
    def __init__(self):
        self.document = Document()
        self.list_num_ids = {}
        self.style_document()

    def style_document(self):
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(24), Mm(22)
        section.left_margin = section.right_margin = Mm(20)
        styles = self.document.styles
        styles["Normal"].font.name = FONT
        styles["Normal"].font.size = Pt(11)
        for name in ["Title", "Heading 1", "Heading 2", "Heading 3", "Header", "Footer"]:
            styles[name].font.name = FONT
            styles[name].font.color.rgb = RGBColor(0, 0, 0)
        styles["Title"].font.size = Pt(20)

    def write(self, html):
        root = lxml.html.document_fromstring(html)
        self.describe(root)
        running = [
            element
            for element in root.body.iter()
            if isinstance(element.tag, str) and classes(element) & RUNNING
        ]
        for element in running:
            self.running(element)
            element.drop_tree()
        self.blocks(self.document, root.body)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def describe(self, root):
        properties = self.document.core_properties
        properties.title = " ".join(root.findtext(".//title", "").split())
        properties.language = root.get("lang", "")
        author = root.find(".//meta[@name='author']")
        if author is not None:
            properties.author = author.get("content", "")

    def running(self, element):
        """Header and footer on every page; the first page has no header, as in the PDF."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        kind = RUNNING & classes(element)
        if kind == {"running-header"}:
            parts = [section.header]
        else:
            parts = [section.footer, section.first_page_footer]
        for part in parts:
            paragraph = part.paragraphs[-1]
            if paragraph.text or paragraph._p.findall(qn("w:fldSimple")):
                paragraph = part.add_paragraph()
            if kind == {"running-header"}:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif kind == {"running-page"}:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            self.inline(paragraph, element, size=Pt(8))

    def blocks(self, container, element):
        """Each block without blocks inside becomes a paragraph; loose text between blocks too."""
        if element.text and element.text.strip():
            self.paragraph(container, None, text=element.text)
        for child in element:
            if not isinstance(child.tag, str):
                pass
            elif is_block(child):
                self.block(container, child)
            elif child.tag == "br":
                pass
            else:
                self.paragraph(container, child)
            if child.tail and child.tail.strip():
                self.paragraph(container, None, text=child.tail)

    def block(self, container, element):
        tag = element.tag
        if tag == "nav" or "hidden" in element.attrib:
            return
        if tag == "dl" and "facts" in classes(element):
            for pair in element.iter("div"):
                self.fact(container, pair)
            return
        if has_block_children(element):
            self.blocks(container, element)
            return
        self.paragraph(container, element)

    def fact(self, container, pair):
        label, value = pair.find("dt"), pair.find("dd")
        if label is None or value is None:
            return
        paragraph = container.add_paragraph()
        self.inline(paragraph, label, bold=True)
        paragraph.add_run(": ")
        self.inline(paragraph, value)

    def paragraph(self, container, element, text=None):
        paragraph = container.add_paragraph()
        if element is None:
            paragraph.add_run(" ".join(text.split()))
            return paragraph
        tag, parent = element.tag, element.getparent()
        style = HEADINGS.get(tag)
        if tag == "li" and parent is not None and parent.tag == "ol":
            style = "List Number"
        elif tag in {"li", "dd"}:
            style = "List Bullet"
        if style:
            paragraph.style = self.document.styles[style]
        if style == "List Number":
            self.restart_numbering(paragraph, parent)
        note = classes(element) & {"translation-note", "segment-kind", "cited", "notice"}
        self.inline(paragraph, element, bold=tag == "dt", italic=bool(note))
        self.mark_language(paragraph, element)
        return paragraph

    def mark_language(self, paragraph, element):
        """Word's language of the text (spelling, hyphenation) and, for Arabic, its direction."""
        language, rtl = language_of(element)
        if rtl:
            paragraph._p.get_or_add_pPr().insert_element_before(
                OxmlElement("w:bidi"), *PARAGRAPH_PROPERTIES_AFTER_BIDI
            )
        for run in paragraph.runs if language else []:
            properties = run._r.get_or_add_rPr()
            if rtl:
                properties.append(OxmlElement("w:rtl"))
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), language)
            properties.append(lang)

    def inline(self, paragraph, element, bold=False, italic=False, size=None):
        """The element's text as runs: spaces folded as a browser does, `<br>` as a line break,
        the page counters as fields."""
        pieces = []

        def walk(node):
            field = FIELDS.get(next(iter(classes(node) & set(FIELDS)), ""))
            if field:
                pieces.append(("field", field))
            elif node.tag == "br":
                pieces.append(("break", None))
            elif node.text:
                pieces.append(("text", node.text))
            if not field:
                for child in node:
                    if isinstance(child.tag, str):
                        walk(child)
                    if child.tail:
                        pieces.append(("text", child.tail))

        walk(element)
        text_so_far = ""
        for kind, value in pieces:
            if kind == "text":
                value = re.sub(r"\s+", " ", value)
                if not text_so_far or text_so_far.endswith((" ", "\n")):
                    value = value.lstrip()
                if not value:
                    continue
                run = paragraph.add_run(value)
                text_so_far += value
            elif kind == "break":
                run = paragraph.add_run()
                run.add_break()
                text_so_far += "\n"
                continue
            else:
                run = self.field(paragraph, value)
                text_so_far += "0"
            run.bold = bold or None
            run.italic = italic or None
            if size:
                run.font.size = size
        if paragraph.runs and paragraph.runs[-1].text.endswith(" "):
            paragraph.runs[-1].text = paragraph.runs[-1].text.rstrip()

    def field(self, paragraph, instruction):
        """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), instruction)
        paragraph._p.append(field)
        run = paragraph.add_run("1")
        field.append(run._r)
        return run

    def restart_numbering(self, paragraph, list_element):
        """Each `ol` counts from 1: a numbering instance of its own over List Number's."""
        # Keyed by identity, with the element kept: once a fragment's tree is freed, the next
        # fragment's list could otherwise get the same id() and continue the first's count.
        key = id(list_element)
        if key not in self.list_num_ids:
            numbering = self.document.part.numbering_part.numbering_definitions._numbering
            style_num = self.document.styles["List Number"].element.pPr.numPr.numId.val
            abstract = numbering.num_having_numId(style_num).abstractNumId.val
            num = numbering.add_num(abstract)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            self.list_num_ids[key] = (list_element, num.numId)
        properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        properties.get_or_add_ilvl().val = 0
        properties.get_or_add_numId().val = self.list_num_ids[key][1]


def html_to_docx(html):
    return WordWriter().write(html)


def render_docx(request, template, context, filename):
    """An HTTP response with the template's HTML as a Word document, downloaded as `filename`."""
    docx = html_to_docx(render_to_string(template, context, request=request))
    response = HttpResponse(docx, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
