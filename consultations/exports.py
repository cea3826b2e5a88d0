"""Registrations and contributions as spreadsheets for the secretariat: CSV (UTF-8 with a byte
order mark, so Excel reads accents and scripts right) and XLSX. Text that a spreadsheet would take
for a formula is neutralised, since names, titles and texts come from the public."""

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.enums import Region

# A cell beginning with one of these may be run as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A cell's value made safe for a spreadsheet: text that could start a formula is prefixed
    with an apostrophe, which spreadsheets show as text; numbers and dates pass unchanged, empty
    values become empty text, aware date-times become naive in the current time zone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, (int, float, datetime.date)):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def text_cell(value):
    value = neutralise(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


REGISTRATION_COLUMNS = [
    (_("reference"), lambda r: r.reference),
    (_("hearing"), lambda r: r.hearing.title),
    (_("status"), lambda r: r.get_status_display()),
    (_("honorific"), lambda r: r.honorific),
    (_("name"), lambda r: r.name),
    (_("email"), lambda r: r.email),
    (_("organization"), lambda r: r.organization.name if r.organization else r.organization_name),
    (_("position"), lambda r: r.position),
    (_("stakeholder category"), lambda r: r.get_category_display()),
    (_("country"), lambda r: r.country.name if r.country else ""),
    (_("language of correspondence"), lambda r: r.get_language_display()),
    (_("accessibility needs"), lambda r: r.accessibility_needs),
    (_("nomination letter"), lambda r: bool(r.nomination_letter)),
    (_("on the public list of participants"), lambda r: r.listed_publicly),
    (_("registered"), lambda r: r.created_at),
    (_("decided"), lambda r: r.decided_at),
    (_("walk-in"), lambda r: r.walk_in),
    (_("checked in"), lambda r: r.checked_in_at),
    (_("checked in by"), lambda r: r.checked_in_by.get_username() if r.checked_in_by else ""),
]

CONTRIBUTION_COLUMNS = [
    (_("reference"), lambda c: c.reference),
    (_("hearing"), lambda c: c.hearing.title),
    (_("segment"), lambda c: c.segment.title if c.segment else ""),
    (_("status"), lambda c: c.get_status_display()),
    (_("title"), lambda c: c.title),
    (_("author"), lambda c: c.author_name),
    (_("author's email"), lambda c: c.author_email),
    (_("organization"), lambda c: c.organization.name if c.organization else ""),
    (_("stakeholder category"), lambda c: c.get_category_display()),
    (_("country"), lambda c: c.country.name if c.country else ""),
    (_("region"), lambda c: Region(c.region).label if c.region else ""),
    (_("language"), lambda c: c.get_language_display()),
    (_("publication consent"), lambda c: c.get_consent_display()),
    (_("text"), lambda c: c.body),
    (_("text fingerprint"), lambda c: c.fingerprint),
    (_("submitted"), lambda c: c.submitted_at),
    (_("published"), lambda c: c.published_at),
]


def registrations_queryset(queryset):
    return queryset.select_related("hearing__process", "organization", "checked_in_by").order_by(
        "created_at", "pk"
    )


def contributions_queryset(queryset):
    return queryset.select_related("hearing", "segment", "organization").order_by(
        "submitted_at", "pk"
    )


def table(columns, objects):
    yield [str(header) for header, _value in columns]
    for obj in objects:
        yield [value(obj) for _header, value in columns]


def csv_response(filename, columns, objects):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in table(columns, objects):
        writer.writerow([text_cell(cell) for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, columns, objects):
    """The header row stays in view while scrolling and carries the filter arrows. A write-only
    sheet writes its view (the frozen row) before the rows and its filter after them.
    openpyxl loads here, on a staff export, not in every worker at start (README, "Benchmark")."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.freeze_panes = "A2"
    rows = 0
    for row in table(columns, objects):
        sheet.append([neutralise(cell) for cell in row])
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export(kind, file_format, queryset):
    """The HTTP response carrying `queryset` (registrations or contributions) in `file_format`."""
    columns, rows = {
        "registrations": (REGISTRATION_COLUMNS, registrations_queryset),
        "contributions": (CONTRIBUTION_COLUMNS, contributions_queryset),
    }[kind]
    respond = csv_response if file_format == "csv" else xlsx_response
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return respond(f"{kind}-{stamp}", columns, rows(queryset).iterator(chunk_size=2000))
