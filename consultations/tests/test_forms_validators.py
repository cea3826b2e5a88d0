"""The upload checks, called alike by the forms and the API: type by content, size by setting."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.tests.forms_support import (
    EXE_BYTES,
    MEBIBYTE,
    docx_bytes,
    odt_bytes,
    pdf_bytes,
    plain_zip_bytes,
)
from consultations.validators import sniff_document, validate_document


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (pdf_bytes(), "pdf"),
        (docx_bytes(), "docx"),
        (odt_bytes(), "odt"),
        (plain_zip_bytes(), None),
        (EXE_BYTES, None),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
        (b"<html>%PDF-</html>", None),
    ],
    ids=["pdf", "docx", "odt", "zip", "exe", "broken-zip", "empty", "html"],
)
def test_documents_are_known_by_their_bytes(content, kind):
    file = io.BytesIO(content)
    assert sniff_document(file) == kind
    assert file.tell() == 0


def test_validate_document_names_the_refusal():
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile("a.pdf", EXE_BYTES))
    assert refused.value.code == "file_type_refused"
    assert refused.value.messages == [
        "This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."
    ]


def test_size_limit_follows_the_setting(settings):
    settings.MAX_ATTACHMENT_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile("a.pdf", pdf_bytes() + b"0" * 100))
    assert refused.value.code == "file_too_large"
    settings.MAX_ATTACHMENT_BYTES = 10_000
    assert validate_document(SimpleUploadedFile("a.pdf", pdf_bytes())) == "pdf"


def archive_bytes(members, method=zipfile.ZIP_DEFLATED, declare=None):
    """A DOCX-looking archive holding `members` (name: bytes); `declare` (name: size) makes the
    central directory claim another size, compressed and unpacked, for a member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in members.items():
            archive.writestr(name, content)
        for info in archive.infolist():
            if info.filename in (declare or {}):
                info.file_size = info.compress_size = declare[info.filename]
    return buffer.getvalue()


def refusal_code(content):
    try:
        validate_document(SimpleUploadedFile("a.docx", content))
    except ValidationError as refused:
        return refused.code
    return None


@pytest.mark.parametrize(("entries", "code"), [(2_000, None), (2_001, "file_archive_refused")])
def test_archives_with_more_entries_than_a_document_are_refused(entries, code):
    names = ["word/document.xml", *(f"word/media/{n}" for n in range(entries - 2))]
    assert refusal_code(archive_bytes(dict.fromkeys(names, b""))) == code


def test_an_archive_of_a_hundred_thousand_entries_is_refused_before_it_is_parsed():
    names = ["word/document.xml", *(f"{n:x}" for n in range(100_000))]
    content = archive_bytes(dict.fromkeys(names, b""), method=zipfile.ZIP_STORED)
    assert len(content) < 10 * MEBIBYTE
    started = time.perf_counter()
    assert refusal_code(content) == "file_archive_refused"
    assert time.perf_counter() - started < 1


def test_an_archive_that_says_it_unpacks_to_more_than_100_mebibytes_is_refused():
    declared = 101 * MEBIBYTE
    content = archive_bytes(
        {"word/document.xml": b"<w:document/>"},
        method=zipfile.ZIP_STORED,
        declare={"word/document.xml": declared},
    )
    assert refusal_code(content) == "file_archive_refused"


@pytest.mark.parametrize(
    "members",
    [
        {"word/document.xml": b" " * (2 * MEBIBYTE)},
        {f"word/part{n}.xml": b" " * MEBIBYTE for n in range(80)},
    ],
    ids=["one-entry", "eighty-entries-of-one-mebibyte"],
)
def test_archives_compressed_beyond_100_to_1_are_refused(members):
    assert refusal_code(archive_bytes(members)) == "file_archive_refused"


def test_what_unpacks_to_less_than_a_mebibyte_may_compress_as_well_as_it_likes():
    assert refusal_code(archive_bytes({"word/document.xml": b" " * (MEBIBYTE // 2)})) is None


def test_only_the_first_bytes_of_an_entry_are_read():
    mimetype = b"application/vnd.oasis.opendocument.text" + b" " * (MEBIBYTE // 2)
    content = archive_bytes({"mimetype": mimetype, "content.xml": b"<office:document-content/>"})
    tracemalloc.start()
    try:
        assert sniff_document(io.BytesIO(content)) == "odt"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEBIBYTE // 4


def test_a_corrupt_entry_is_no_document():
    content = bytearray(
        archive_bytes({"mimetype": b"application/vnd.oasis.opendocument.text" * 20})
    )
    start = content.index(b"mimetype") + len(b"mimetype")
    content[start : start + 20] = b"\xff" * 20
    assert sniff_document(io.BytesIO(bytes(content))) is None
