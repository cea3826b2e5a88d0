"""Checks on uploaded documents, written once for the public forms and the API alike (after pretalx's
`submission/validators`). A file's type is judged by its content, never by its name: a PDF starts
with `%PDF-`; DOCX and ODT are ZIP archives, told apart by what the archive holds.

An archive is untrusted: a 260 KB one can inflate to gigabytes. It is judged by its headers first
(how many entries, how large they say they are unpacked, how far they say they are compressed),
and nothing of it is inflated beyond the few bytes of an ODT's `mimetype`."""

import lzma
import zipfile
import zlib

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

ZIP_SIGNATURE = b"PK\x03\x04"
CENTRAL_DIRECTORY_SIGNATURE = b"PK\x01\x02"
MEBIBYTE = 1024 * 1024
# A long report with its images has a few hundred entries and unpacks to tens of megabytes; text
# deflates about 5 to 40 to 1. Below a mebibyte unpacked, an entry or a whole archive may compress
# better (a run of spaces) and harm no one.
MAX_ARCHIVE_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 100 * MEBIBYTE
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = MEBIBYTE
# What is read of any entry: enough for an ODT's `mimetype` (39 bytes).
PEEK_BYTES = 64
# What reading a broken or exotic archive may raise (a bad deflate stream is a zlib.error, an
# unknown compression method NotImplementedError).
ARCHIVE_FAULTS = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    RuntimeError,
    EOFError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
)


def count_in_file(file, needle, chunk_size=MEBIBYTE):
    """How often `needle` occurs in the file, read a chunk at a time."""
    file.seek(0)
    count, carry = 0, b""
    while chunk := file.read(chunk_size):
        data = carry + chunk
        count += data.count(needle)
        # Too short to hold a whole needle (counted already), long enough for one cut in two.
        carry = data[-(len(needle) - 1) :]
    file.seek(0)
    return count


def unpacks_within_bounds(file):
    """Whether a ZIP archive's headers promise a document rather than a bomb.

    Each entry of the central directory starts with its signature, so their count in the file
    bounds the entries zipfile would build an object for: too many are refused before it parses
    any. Then the sizes the entries declare are judged, before a byte of them is inflated (an
    entry that lies about its size is never read past `PEEK_BYTES` anyway)."""
    if count_in_file(file, CENTRAL_DIRECTORY_SIGNATURE) > MAX_ARCHIVE_ENTRIES:
        return False
    with zipfile.ZipFile(file) as archive:
        entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    sizes = [(entry.file_size, entry.compress_size) for entry in entries] + [(unpacked, packed)]
    return unpacked <= MAX_UNPACKED_BYTES and not any(
        size > RATIO_FLOOR_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed, 1)
        for size, compressed in sizes
    )


def is_zip(file):
    file.seek(0)
    head = file.read(len(ZIP_SIGNATURE))
    file.seek(0)
    return head == ZIP_SIGNATURE


def peek(archive, name):
    """The first bytes of one entry, however large it says or turns out to be."""
    with archive.open(name) as entry:
        return entry.read(PEEK_BYTES)


def sniff_document(file):
    """`pdf`, `docx` or `odt` as the bytes say, or None for anything else (an archive beyond
    `unpacks_within_bounds` included)."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(ZIP_SIGNATURE):
        return None
    try:
        if not unpacks_within_bounds(file):
            return None
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and peek(archive, "mimetype").strip() == ODT_MIMETYPE:
                return ODT
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except ARCHIVE_FAULTS:
        return None
    finally:
        file.seek(0)
    return None


def validate_archive_bounds(file):
    """A ZIP archive (DOCX, ODT or anything else) whose headers promise far more than a document
    holds is refused as such; a broken one is left to `sniff_document`, which calls it none."""
    if not is_zip(file):
        return
    try:
        within = unpacks_within_bounds(file)
    except ARCHIVE_FAULTS:
        return
    finally:
        file.seek(0)
    if not within:
        raise ValidationError(
            _(
                "This file would unpack to far more than a document of its size holds, so it was "
                "refused. Save it again from your word processor, or send it as a PDF."
            ),
            code="file_archive_refused",
        )


def validate_document_size(file):
    if file.size > settings.MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _(
                "The file is larger than %(limit)s, the most a document may be. Send a smaller file."
            ),
            code="file_too_large",
            params={"limit": filesizeformat(settings.MAX_ATTACHMENT_BYTES)},
        )


def validate_document(file):
    """A PDF, DOCX or ODT file within the size limit; returns its kind (`pdf`, `docx`, `odt`)."""
    validate_document_size(file)
    validate_archive_bounds(file)
    kind = sniff_document(file)
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."),
            code="file_type_refused",
        )
    return kind
