"""The published record as open data: one zip holding every public table twice, as JSON and as
CSV, and a README that describes the fields and the licence the secretariat set
(`OPEN_DATA_LICENCE`).

The zip is written a chunk at a time: zipfile writes into a small buffer that the generator
empties after every few hundred rows, and the rows come from database iterators, so memory stays
flat however large the record grows. `manage.py build_open_data` writes it to a file
(consultations.opendata_file), which is what a download gets."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.exports import text_cell
from consultations.models import (
    Contribution,
    Hearing,
    Intervention,
    KeyMessage,
    Outcome,
    Participation,
    Process,
    Segment,
    SubDiscussion,
)
from consultations.querysets import public_people
from consultations.rules import credit
from stakeholders.models import Organization

CHUNK_ROWS = 250
ITERATOR_CHUNK = 2000


@dataclass
class Table:
    name: str
    description: str
    queryset: object
    columns: list  # (column, lookup, description)
    clean: object = None  # row dict -> row dict, for what depends on consent
    extra: list = field(default_factory=list)  # (column, description) added by `clean`

    def rows(self):
        lookups = [lookup for _column, lookup, _text in self.columns]
        names = [column for column, _lookup, _text in self.columns]
        for values in self.queryset().values_list(*lookups).iterator(chunk_size=ITERATOR_CHUNK):
            row = dict(zip(names, values, strict=True))
            yield self.clean(row) if self.clean else row

    def fields(self):
        return [(column, text) for column, _lookup, text in self.columns if column[0] != "_"] + [
            *self.extra
        ]


def published_hearings():
    return Hearing.objects.published()


def public_author(row):
    """The author as the public pages show them (`rules.credit`); the consent itself and the
    typed organization name are not columns of their own."""
    shown = credit(
        row.pop("_consent"),
        row["author_name"],
        row["organization"],
        row["organization_name"],
        row.pop("_organization_typed"),
    )
    row["author_name"] = shown.name
    row["organization"] = shown.organization_slug
    row["organization_name"] = shown.organization_name
    return row


def public_summary(row):
    """A summary is outcome text: published with the hearing's outcome, empty before."""
    if not row.pop("_texts_public"):
        row["summary"] = ""
    return row


def contribution_columns():
    columns = [
        ("reference", "reference", _("Reference, e.g. GCM-2017-0042.")),
        ("hearing", "hearing__slug", _("Slug of the hearing (see hearings).")),
        ("segment", "segment_id", _("Id of the segment it speaks to, if any (see segments).")),
        ("title", "title", _("Title given by the author.")),
        ("category", "category", _("Stakeholder category of the author.")),
        ("country", "country", _("ISO 3166 code of the author's country, if given.")),
        ("region", "region", _("Region of that country.")),
        ("language", "language", _("Language of the text (ISO 639-1).")),
        ("published_at", "published_at", _("When it was published (ISO 8601, UTC).")),
        ("author_name", "author_name", _("The author's name, only where the author agreed.")),
        (
            "organization",
            "organization__slug",
            _("Slug of the author's organization, where the author agreed."),
        ),
        (
            "organization_name",
            "organization__name",
            _("Name of the author's organization, where the author agreed."),
        ),
        ("body", "body", _("The text, in Markdown.")),
        ("_consent", "consent", ""),
        ("_organization_typed", "organization_name", ""),
    ]
    return columns


def tables():
    return [
        Table(
            "processes",
            _("Intergovernmental processes under which hearings are held."),
            lambda: Process.objects.order_by("pk"),
            [
                ("slug", "slug", _("Identifier used by the other tables.")),
                ("title", "title", _("Title of the process.")),
                ("code", "code", _("Code that starts contribution references.")),
                ("mandate_reference", "mandate_reference", _("The mandate, e.g. a resolution.")),
                ("description", "description", _("Description.")),
            ],
        ),
        Table(
            "hearings",
            _("Published hearings."),
            lambda: published_hearings().order_by("date", "pk"),
            [
                ("slug", "slug", _("Identifier used by the other tables.")),
                ("title", "title", _("Title of the hearing.")),
                ("process", "process__slug", _("Slug of its process.")),
                ("date", "date", _("Date (YYYY-MM-DD), at the venue.")),
                ("start_time", "start_time", _("Start time at the venue, if known.")),
                ("end_time", "end_time", _("End time at the venue, if known.")),
                ("time_zone", "time_zone", _("IANA time zone of the venue.")),
                ("venue", "venue", _("Venue.")),
                ("city", "city", _("City.")),
                ("country", "country", _("ISO 3166 code of the country.")),
                ("organizer", "organizer", _("Office that convened the hearing.")),
                ("mandate", "mandate", _("Mandate of the hearing.")),
                (
                    "supporting_organization",
                    "supporting_organization__slug",
                    _("Slug of the organization that supported it, if any."),
                ),
                ("description", "description", _("Description.")),
                ("language", "language", _("Language of the description (ISO 639-1).")),
                ("capacity", "capacity", _("Seats for registrants; empty means no limit.")),
            ],
        ),
        Table(
            "segments",
            _("The programme of each hearing: segments in order."),
            lambda: (
                Segment.objects.public()
                .with_texts_shown()
                .order_by("hearing__date", "hearing_id", "order")
            ),
            [
                ("id", "id", _("Identifier used by the other tables.")),
                ("hearing", "hearing__slug", _("Slug of the hearing.")),
                ("order", "order", _("Place in the programme, from 1.")),
                ("kind", "kind", _("opening, panel, interactive, remarks or closing.")),
                ("title", "title", _("Title.")),
                (
                    "summary",
                    "summary",
                    _(
                        "Summary, paragraphs separated by an empty line, once the hearing's "
                        "outcome is published."
                    ),
                ),
                ("language", "language", _("Language of the summary (ISO 639-1).")),
                ("start_time", "start_time", _("Start time at the venue, if known.")),
                ("end_time", "end_time", _("End time at the venue, if known.")),
                ("_texts_public", "texts_public", ""),
            ],
            clean=public_summary,
        ),
        Table(
            "sub_discussions",
            _("Discussions inside a segment, such as regional ones."),
            lambda: (
                SubDiscussion.objects.public().with_texts_shown().order_by("segment_id", "order")
            ),
            [
                ("id", "id", _("Identifier used by the other tables.")),
                ("segment", "segment_id", _("Id of the segment.")),
                ("order", "order", _("Place in the segment, from 1.")),
                ("title", "title", _("Title.")),
                ("summary", "summary", _("Summary, once the hearing's outcome is published.")),
                ("language", "language", _("Language of the summary (ISO 639-1).")),
                ("_texts_public", "texts_public", ""),
            ],
            clean=public_summary,
        ),
        Table(
            "participants",
            _("Who had a role where: chairs, moderators, panellists, speakers."),
            lambda: Participation.objects.public().order_by("pk"),
            [
                ("segment", "segment_id", _("Id of the segment, or empty for a sub-discussion.")),
                ("sub_discussion", "sub_discussion_id", _("Id of the sub-discussion, or empty.")),
                ("order", "order", _("Place in the segment or sub-discussion.")),
                ("person", "person__slug", _("Slug of the person (see people).")),
                ("name", "person__name", _("Name of the person.")),
                ("role", "role", _("chair, moderator, panellist, speaker or co_facilitator.")),
                ("position", "position", _("Position held at the time.")),
                ("organization", "organization__slug", _("Slug of the organization at the time.")),
                ("organization_name", "organization__name", _("Name of that organization.")),
            ],
        ),
        Table(
            "interventions",
            _("Statements from the floor."),
            lambda: Intervention.objects.public().with_texts_shown().order_by("pk"),
            [
                ("segment", "segment_id", _("Id of the segment, or empty for a sub-discussion.")),
                ("sub_discussion", "sub_discussion_id", _("Id of the sub-discussion, or empty.")),
                ("order", "order", _("Place in the segment or sub-discussion.")),
                (
                    "organization",
                    "organization__slug",
                    _("Slug of the organization or State that spoke."),
                ),
                ("organization_name", "organization__name", _("Its name.")),
                ("speaker_name", "speaker_name", _("Name of the speaker, if recorded.")),
                ("summary", "summary", _("Summary, once the hearing's outcome is published.")),
                ("_texts_public", "texts_public", ""),
            ],
            clean=public_summary,
        ),
        Table(
            "key_messages",
            _("Key messages of each segment."),
            lambda: KeyMessage.objects.public().order_by("segment_id", "order"),
            [
                ("segment", "segment_id", _("Id of the segment.")),
                ("order", "order", _("Place in the segment.")),
                ("text", "text", _("Text.")),
                ("language", "language", _("Language of the text (ISO 639-1).")),
            ],
        ),
        Table(
            "outcomes",
            _("Published outcome documents (summaries) of hearings."),
            lambda: Outcome.objects.published().order_by("pk"),
            [
                ("hearing", "hearing__slug", _("Slug of the hearing.")),
                ("title", "title", _("Title.")),
                ("symbol", "symbol", _("UN document symbol, if any.")),
                ("published_on", "published_on", _("Publication date, if recorded.")),
            ],
        ),
        Table(
            "organizations",
            _("The register of organizations and States."),
            lambda: Organization.objects.order_by("pk"),
            [
                ("slug", "slug", _("Identifier used by the other tables.")),
                ("name", "name", _("Name.")),
                ("acronym", "acronym", _("Acronym.")),
                ("category", "category", _("Stakeholder category.")),
                ("country", "country", _("ISO 3166 code of the seat's country.")),
                ("region", "region", _("Region of that country.")),
                ("consultative_status", "consultative_status", _("ECOSOC consultative status.")),
                ("website", "website", _("Website.")),
            ],
        ),
        Table(
            "people",
            _("People who had a role in a hearing; no contact details."),
            lambda: public_people().order_by("pk"),
            [
                ("slug", "slug", _("Identifier used by the other tables.")),
                ("honorific", "honorific", _("Honorific as written.")),
                ("name", "name", _("Name as the person writes it.")),
                ("position", "position", _("Current position.")),
                ("organization", "organization__slug", _("Slug of the current organization.")),
            ],
        ),
        Table(
            "contributions",
            _("Published written contributions."),
            lambda: Contribution.objects.published().order_by("published_at", "pk"),
            contribution_columns(),
            clean=public_author,
        ),
    ]


class Pipe:
    """What the ZipFile writes into; the generator takes the bytes out after each chunk. It
    cannot seek, so zipfile writes each member's sizes after its data (a data descriptor)."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def readme(table_list, now):
    lines = [
        "# " + str(_("The published record of the consultation hearings")),
        "",
        str(_("Exported on %(moment)s from %(site)s."))
        % {"moment": now.isoformat(timespec="seconds"), "site": settings.SITE_URL},
        "",
        str(_("Licence: %(licence)s")) % {"licence": settings.OPEN_DATA_LICENCE},
        "",
        str(
            _(
                "Each table comes twice, as NAME.json (a list of objects) and NAME.csv (UTF-8, "
                "one header line). Empty cells mean the value is not recorded. Times are at the "
                "hearing's venue; moments are ISO 8601 in UTC. In the CSV files a cell that "
                "would start with =, +, -, @ is prefixed with an apostrophe so that "
                "spreadsheets do not run it as a formula."
            )
        ),
        "",
    ]
    for table in table_list:
        lines += [f"## {table.name}", "", str(table.description), ""]
        lines += [f"- `{column}`: {text}" for column, text in table.fields()]
        lines.append("")
    return "\n".join(lines).encode()


def write_member(archive, name, pipe, pieces):
    """One member of the zip from an iterator of str pieces, handing bytes on as they come."""
    with archive.open(name, "w", force_zip64=True) as member:
        for number, piece in enumerate(pieces, start=1):
            member.write(piece.encode())
            if number % CHUNK_ROWS == 0:
                yield pipe.take()
    yield pipe.take()


def json_pieces(table):
    yield "["
    for number, row in enumerate(table.rows()):
        yield (
            ("," if number else "")
            + "\n"
            + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        )
    yield "\n]\n"


def csv_pieces(table):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = None
    for row in table.rows():
        if names is None:
            names = list(row)
            writer.writerow(names)
        writer.writerow([text_cell(value) for value in row.values()])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if names is None:
        writer.writerow([column for column, _text in table.fields()])
        yield buffer.getvalue()


def record_zip():
    """The zip's bytes, a chunk at a time."""
    pipe = Pipe()
    now = timezone.now().replace(microsecond=0)
    table_list = tables()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(table_list, now))
        for table in table_list:
            yield from write_member(archive, f"{table.name}.json", pipe, json_pieces(table))
            yield from write_member(archive, f"{table.name}.csv", pipe, csv_pieces(table))
    yield pipe.take()
