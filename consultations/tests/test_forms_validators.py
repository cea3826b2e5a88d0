"""The upload checks, called alike by the forms and the API: type by content, size by setting."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.tests.forms_support import (
    EXE_BYTES,
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
