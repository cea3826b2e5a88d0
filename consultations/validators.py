"""Checks on uploaded documents, written once for the public forms and the API alike (after pretalx's
`submission/validators`). A file's type is judged by its content, never by its name: a PDF starts
with `%PDF-`; DOCX and ODT are ZIP archives, told apart by what the archive holds."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF = "pdf"
DOCX = "docx"
ODT = "odt"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: ODT_MIMETYPE.decode(),
}
ACCEPT = ".pdf,.docx,.odt," + ",".join(CONTENT_TYPES.values())


def sniff_document(file):
    """`pdf`, `docx` or `odt` as the bytes say, or None for anything else."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return ODT
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    finally:
        file.seek(0)
    return None


def validate_document_size(file):
    if file.size > settings.MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Send a smaller file."),
            code="file_too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.MAX_ATTACHMENT_BYTES),
            },
        )


def validate_document(file):
    """A PDF, DOCX or ODT file within the size limit; returns its kind (`pdf`, `docx`, `odt`)."""
    validate_document_size(file)
    kind = sniff_document(file)
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."),
            code="file_type_refused",
        )
    return kind
