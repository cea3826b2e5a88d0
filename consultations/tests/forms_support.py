"""What the public-form tests share: a hearing whose windows are open, valid form data, and real
documents of each kind, built in memory."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.tests.factories import HearingFactory


def open_hearing(**kwargs):
    now = timezone.now()
    defaults = {
        "time_zone": "Europe/Zurich",
        "registration_opens": now - datetime.timedelta(days=1),
        "registration_closes": now + datetime.timedelta(days=10),
        "contributions_open": now - datetime.timedelta(days=1),
        "contributions_close": now + datetime.timedelta(days=10),
    }
    return HearingFactory(**{**defaults, **kwargs})


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_bytes(members):
    """A ZIP archive with fixed dates, so the same members always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def docx_bytes():
    return zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def long_docx_bytes(paragraphs=40_000):
    """A long DOCX as a word processor writes it: 4.3 MiB of XML, deflated about 40 to 1."""
    document = "".join(
        f"<w:p><w:r><w:t>Paragraph {number}: recognise the skills of migrant workers and protect "
        "their wages.</w:t></w:r></w:p>"
        for number in range(paragraphs)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml", f"<w:document><w:body>{document}</w:body></w:document>"
        )
    return buffer.getvalue()


def odt_bytes():
    return zip_bytes(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content/>",
        }
    )


def plain_zip_bytes():
    return zip_bytes({"notes.txt": "hello"})


MEBIBYTE = 1024 * 1024


def bomb_bytes(member, mebibytes=256):
    """A DOCX-looking archive whose `member` inflates to `mebibytes` MiB of spaces: about 260 KB at
    compression level 9, written a mebibyte at a time so that building it costs no memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if member != "word/document.xml":
            archive.writestr("word/document.xml", "<w:document/>")
        spaces = b" " * MEBIBYTE
        with archive.open(member, "w") as entry:
            for _ in range(mebibytes):
                entry.write(spaces)
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def big_pdf(megabytes=12):
    return upload("big.pdf", pdf_bytes() + b"0" * (megabytes * 1024 * 1024))
