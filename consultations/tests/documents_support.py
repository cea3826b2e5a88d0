"""Reading the documents back as a person's tools would: a PDF through poppler's pdftotext, a
Word file through python-docx."""

import io
import os
import re
import shutil
import subprocess

import docx
import pytest

from consultations.tests.test_fixture import source_paragraphs

# A4 in PDF points and the page margins of static/css/document.css (24 mm top, 22 mm bottom):
# what lies between is the body, without the running header and footer.
PAGE_WIDTH, PAGE_HEIGHT = 595, 842
TOP, BOTTOM = 68, 62


PARTS = {
    "page": None,
    "header": (0, TOP),
    "body": (TOP, PAGE_HEIGHT - TOP - BOTTOM),
    "footer": (PAGE_HEIGHT - BOTTOM, BOTTOM),
}


def pdftotext(content, tmp_path, part="page"):
    """The PDF's text, page by page: whole pages, or only their header, body or footer (the
    body alone reads on over a page break without the header and footer in between)."""
    if not shutil.which("pdftotext"):
        missing = "pdftotext is missing: apt-get install poppler-utils"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    crop = []
    if PARTS[part]:
        top, height = PARTS[part]
        crop = ["-x", "0", "-y", str(top), "-W", str(PAGE_WIDTH), "-H", str(height)]
    command = ["pdftotext", *crop, str(path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def flowing(text):
    """Text as one line: the document never hyphenates on its own, so a hyphen that ends a line
    is the text's own and the next line follows it directly; other spaces fold into one."""
    text = re.sub(r"-\n(?=\S)", "-", text)
    return " ".join(text.split())


ABBREVIATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "H.E.")


def sentences(paragraph):
    """A paragraph of the seed cut after each full stop that a capital follows,
    except after an honorific ("H.E. Mr. Miroslav Lajčák" is one name)."""
    found, start = [], 0
    for end in re.finditer(r"(?<=[.!?])\s+(?=[A-Z“])", paragraph):
        if not paragraph[: end.start()].endswith(ABBREVIATIONS):
            found.append(paragraph[start : end.start()])
            start = end.end()
    return [*found, paragraph[start:]]


def seed_sentences():
    """Every sentence of the seed's summary: the hearing's description and the summaries of its
    segments and regional discussions (paragraphs 4 to 16 of the source)."""
    return [sentence for paragraph in source_paragraphs()[3:] for sentence in sentences(paragraph)]


def docx_document(content):
    return docx.Document(io.BytesIO(content))


def docx_text(document):
    return " ".join(" ".join(paragraph.text.split()) for paragraph in document.paragraphs)
