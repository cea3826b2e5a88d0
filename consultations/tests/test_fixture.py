"""The seeded hearing: fixtures/gcm_hearing_2017.json against its source, the summary kept in
fixtures/sources/gcm_hearing_2017_summary.txt (a verbatim copy of the secretariat's text)."""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django_countries.fields import Country

from consultations.enums import ParticipationRole as Role
from consultations.enums import SegmentKind
from consultations.models import Hearing, Participation, Process, Segment, SubDiscussion
from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization, Person

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "sources" / "gcm_hearing_2017_summary.txt"
ADDED = SOURCE.with_name("ADDED.md")
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "gcm_hearing_2017.json"
SLUG = "gcm-second-multi-stakeholder-hearing-2017"

UN = "United Nations"
IOM = "International Organization for Migration"
PROGRAMME = [
    (SegmentKind.OPENING, "Opening segment", None),
    (
        SegmentKind.PANEL,
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery",
        None,
    ),
    (SegmentKind.INTERACTIVE, "Interactive segment", None),
    (
        SegmentKind.PANEL,
        "Irregular migration and regular pathways, including decent work, labour mobility and recognition of skills and qualifications",
        None,
    ),
    (SegmentKind.INTERACTIVE, "Interactive segment", None),
    (
        SegmentKind.REMARKS,
        "Remarks by the Director General of the International Organization for Migration",
        None,
    ),
    (
        SegmentKind.PANEL,
        "Regional perspectives on migration",
        ["The Americas", "Africa and Europe", "Asia and Middle East"],
    ),
    (SegmentKind.CLOSING, "Closing segment", None),
]
# (segment order, sub-discussion title or None, role, honorific, name, position, organization)
ROLES = [
    (1, None, Role.SPEAKER, "H.E. Mr.", "Miroslav Lajčák", "President of the General Assembly", UN),
    (
        1,
        None,
        Role.SPEAKER,
        "Ms.",
        "Louise Arbour",
        "Secretary-General of the intergovernmental Conference to adopt the Global Compact for Safe, Orderly and Regular Migration",
        UN,
    ),
    (
        2,
        None,
        Role.MODERATOR,
        "Mr.",
        "Ilias Chatzis",
        "Chief of Human Trafficking and Migrant Smuggling Section",
        "United Nations Office on Drugs & Crime",
    ),
    (
        2,
        None,
        Role.PANELLIST,
        "Ms.",
        "Claire Falconer",
        "Legal Director",
        "Focus on Labour Exploitation",
    ),
    (
        2,
        None,
        Role.PANELLIST,
        "Ms.",
        "Kate Sheill",
        "International Advocacy Officer",
        "Global Alliance Against Trafficking in Women",
    ),
    (
        2,
        None,
        Role.PANELLIST,
        "Ms.",
        "Tuesday Reitano",
        "Deputy Director",
        "Global Initiative Against Transnational Organized Crime",
    ),
    (
        4,
        None,
        Role.MODERATOR,
        "Ms.",
        "Michelle Leighton",
        "Chief of the Labour Migration Branch",
        "International Labour Organization",
    ),
    (
        4,
        None,
        Role.PANELLIST,
        "Mr.",
        "Jeroen Beirnaert",
        "Human and Trade Union Rights Coordinator",
        "International Trade Union Confederation",
    ),
    (
        4,
        None,
        Role.PANELLIST,
        "Mr.",
        "John Bingham",
        "Head of Policy",
        "International Catholic Migration Commission",
    ),
    (
        4,
        None,
        Role.PANELLIST,
        "Mr.",
        "Jochem de Boer",
        "Global Public Affairs Manager",
        "World Employment Confederation",
    ),
    (6, None, Role.SPEAKER, "Mr.", "William Lacy Swing", "Director General", IOM),
    (
        7,
        None,
        Role.MODERATOR,
        "Mr.",
        "Colin Rajah",
        "Civil Society Liaison on the Global Compact on Migration",
        IOM,
    ),
    (
        7,
        "The Americas",
        Role.PANELLIST,
        "Ms.",
        "Shannon Lederer",
        "Director of Immigration Policy",
        "American Federation of Labor and Congress of Industrial Organizations",
    ),
    (
        7,
        "The Americas",
        Role.PANELLIST,
        "Ms.",
        "Lizeth Lema",
        "Regional Advocacy Coordinator",
        "Asylum Access Latin America",
    ),
    (
        7,
        "Africa and Europe",
        Role.PANELLIST,
        "Ms.",
        "Milka Isinta",
        "",
        "Pan-African Network in Defence of Migrant Rights",
    ),
    (
        7,
        "Africa and Europe",
        Role.PANELLIST,
        "Ms.",
        "Michele LeVoy",
        "Director",
        "Platform for International Cooperation on Undocumented Migrants",
    ),
    (
        7,
        "Africa and Europe",
        Role.PANELLIST,
        "Mr.",
        "John Murray",
        "Marine Director",
        "International Chamber of Shipping",
    ),
    (
        7,
        "Asia and Middle East",
        Role.PANELLIST,
        "Mr.",
        "Rafeek Azeez",
        "Executive Director",
        "Migrant Forum in Asia",
    ),
    (
        7,
        "Asia and Middle East",
        Role.PANELLIST,
        "Ms.",
        "Roula Hamati",
        "Head of Research and Advocacy",
        "Insan Association",
    ),
    (7, "Asia and Middle East", Role.PANELLIST, "Mr.", "Murtaza Khan", "Partner", "Fragomen LLC"),
    (
        8,
        None,
        Role.CO_FACILITATOR,
        "H.E. Mr.",
        "Jürg Lauber",
        "Ambassador and Permanent Representative of Switzerland to the United Nations",
        "Switzerland",
    ),
    (
        8,
        None,
        Role.CO_FACILITATOR,
        "H.E. Mr.",
        "Juan José Gómez Camacho",
        "Permanent Representative of Mexico to the United Nations",
        "Mexico",
    ),
    (8, None, Role.SPEAKER, "H.E. Mr.", "Miroslav Lajčák", "President of the General Assembly", UN),
]


def normalize(text):
    """The source comes from a PDF: words are joined by no-break spaces, lines are broken inside
    paragraphs and hyphens are U+2010. Apart from that, the fixture keeps every character."""
    return re.sub(r"\s+", " ", text.replace("\u2010", "-")).strip()


def source_paragraphs():
    """Paragraphs of the source: they end at a blank-looking line or at a line ending in two
    no-break spaces (the PDF's paragraph mark); everything else is a line break inside one."""
    paragraphs, lines = [], []
    for line in SOURCE.read_text(encoding="utf-8").split("\n"):
        if not line:  # the extraction puts an empty line after every line of text
            continue
        if line.strip():
            lines.append(line)
        if lines and (not line.strip() or line.endswith("\xa0\xa0")):
            paragraphs.append(normalize(" ".join(lines)))
            lines = []
    if lines:
        paragraphs.append(normalize(" ".join(lines)))
    return paragraphs


@pytest.fixture
def seed():
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    return Hearing.objects.get(slug=SLUG)


def test_source_reads_as_the_header_and_thirteen_summary_paragraphs():
    paragraphs = source_paragraphs()
    assert paragraphs[:3] == [
        "Second informal interactive multi-stakeholder hearing",
        "Preparatory process for the global compact for safe, orderly and regular migration and "
        "the intergovernmental conference on international migration",
        "11 October 2017 Room XIX, Palais des Nations, Geneva",
    ]
    assert len(paragraphs) == 16
    assert paragraphs[11].endswith("for Asia and Middle East.")


def test_hearing_carries_the_header_and_mandate(seed):
    paragraphs = source_paragraphs()
    assert seed.title == paragraphs[0]
    assert seed.process.title == paragraphs[1]
    assert seed.process.code == "GCM"
    assert seed.process.mandate_reference == "General Assembly resolution 71/280"
    assert str(seed.date) == "2017-10-11"
    assert (seed.venue, seed.city, seed.country.code) == (
        "Room XIX, Palais des Nations",
        "Geneva",
        "CH",
    )
    assert seed.organizer == "The President of the General Assembly"
    assert seed.mandate == "paragraph 30 of General Assembly resolution 71/280"
    assert seed.supporting_organization.name == IOM
    assert seed.published is True
    assert seed.description == paragraphs[3]


def test_programme_follows_the_seed_in_order(seed):
    segments = list(seed.segments.order_by("order"))
    assert [(s.kind, s.title) for s in segments] == [(k, t) for k, t, _ in PROGRAMME]
    assert [s.order for s in segments] == list(range(1, 9))
    for segment, (_kind, _title, subs) in zip(segments, PROGRAMME, strict=True):
        titles = list(segment.sub_discussions.order_by("order").values_list("title", flat=True))
        assert titles == (subs or [])


def test_regional_discussions_are_about_their_m49_regions(seed):
    """Africa and Europe is one group of two; M49 places the Middle East in (Western) Asia."""
    regions = dict(
        SubDiscussion.objects.filter(segment__hearing=seed).values_list("title", "regions")
    )
    assert regions == {
        "The Americas": ["americas"],
        "Africa and Europe": ["africa", "europe"],
        "Asia and Middle East": ["asia"],
    }


def test_every_summary_paragraph_is_in_its_place_verbatim(seed):
    paragraphs = source_paragraphs()
    texts = {s.order: s.summary for s in seed.segments.all()}
    assert texts == {
        1: paragraphs[4] + "\n\n" + paragraphs[5],
        2: paragraphs[6],
        3: paragraphs[7],
        4: paragraphs[8],
        5: paragraphs[9],
        6: paragraphs[10],
        7: paragraphs[11],
        8: paragraphs[15],
    }
    regional = dict(
        SubDiscussion.objects.filter(segment__hearing=seed).values_list("title", "summary")
    )
    assert regional == {
        "The Americas": paragraphs[12],
        "Africa and Europe": paragraphs[13],
        "Asia and Middle East": paragraphs[14],
    }


def test_every_person_has_their_role_in_the_right_place(seed):
    rows = [
        (
            (p.segment or p.sub_discussion.segment).order,
            p.sub_discussion.title if p.sub_discussion else None,
            p.role,
            p.person.honorific,
            p.person.name,
            p.position,
            p.organization.name,
        )
        for p in Participation.objects.select_related(
            "segment", "sub_discussion__segment", "person", "organization"
        ).order_by(
            "segment__order", "sub_discussion__segment__order", "sub_discussion__order", "order"
        )
    ]
    assert sorted(rows, key=lambda r: (r[0], r[1] or "")) == sorted(
        ROLES, key=lambda r: (r[0], r[1] or "")
    )
    assert Person.objects.count() == 22


def test_every_name_and_organization_appears_in_the_source():
    text = normalize(SOURCE.read_text(encoding="utf-8"))
    for *_place, honorific, name, position, organization in ROLES:
        assert f"{honorific} {name}" in text
        assert position in text
        assert organization in text


def test_people_carry_their_position_and_organization(seed):
    for *_place, honorific, name, position, organization in ROLES:
        person = Person.objects.select_related("organization").get(name=name)
        assert (person.honorific, person.position, person.organization.name) == (
            honorific,
            position,
            organization,
        )


def test_the_two_member_states_are_states(seed):
    states = Organization.objects.filter(category=StakeholderCategory.MEMBER_STATE)
    assert sorted(states.values_list("name", "country", "region")) == [
        ("Mexico", "MX", "americas"),
        ("Switzerland", "CH", "europe"),
    ]


def test_loading_twice_changes_nothing(seed):
    def snapshot():
        return {
            model: sorted(model.objects.values_list("pk", flat=True))
            for model in [
                Organization,
                Person,
                Process,
                Hearing,
                Segment,
                SubDiscussion,
                Participation,
            ]
        }

    before = snapshot()
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    assert snapshot() == before
    assert {model: len(pks) for model, pks in before.items()} == {
        Organization: 20,
        Person: 22,
        Process: 1,
        Hearing: 1,
        Segment: 8,
        SubDiscussion: 3,
        Participation: 23,
    }


# True to the source ------------------------------------------------------------------------------


def fixture_records(model):
    records = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [record["fields"] for record in records if record["model"] == model]


def test_only_the_states_carry_a_country():
    countries = {
        o["slug"]: o["country"]
        for o in fixture_records("stakeholders.organization")
        if o["country"] or o["category"] in StakeholderCategory.states()
    }
    assert countries == {"switzerland": "CH", "mexico": "MX"}


def test_every_added_acronym_and_category_is_listed_with_its_basis():
    """ADDED.md's table has a row per organization naming its acronym and its category, each
    followed by a basis that is not empty."""
    rows = {}
    for line in ADDED.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 6:
            rows[cells[0]] = cells
    organizations = fixture_records("stakeholders.organization")
    assert len(organizations) == 20
    with translation.override("en"):
        for organization in organizations:
            _name, slug, acronym, acronym_basis, category, category_basis = rows[
                organization["name"]
            ]
            assert slug == f"`{organization['slug']}`"
            assert acronym == (organization["acronym"] or "(none)")
            assert bool(organization["acronym"]) == (acronym_basis != "—")
            assert category == str(StakeholderCategory(organization["category"]).label)
            assert category_basis


def test_the_source_writes_only_two_of_the_acronyms():
    """The acronyms ADDED.md vouches for are not in the source, but for IOM."""
    text = normalize(SOURCE.read_text(encoding="utf-8"))
    stated = {
        o["acronym"]
        for o in fixture_records("stakeholders.organization")
        if o["acronym"] and re.search(rf"\b{re.escape(o['acronym'])}\b", text)
    }
    assert stated == {"IOM"}


# The countries the fixture once gave organizations from outside the seed (GI-TOC, ILO, ICMC and
# IOM also had CH, which cannot be told apart from the Swiss co-facilitator's State here).
REMOVED_COUNTRIES = ["US", "AT", "GB", "TH", "BE", "PH", "LB"]
# The M49 subregions only those countries led to (Austria's and Belgium's is Switzerland's).
REMOVED_SUBREGIONS = ["Northern America", "Northern Europe", "South-eastern Asia", "Western Asia"]


def removed_country_names():
    names = set(REMOVED_SUBREGIONS)
    for language in ["en", "fr", "es"]:
        with translation.override(language):
            names |= {str(Country(code).name) for code in REMOVED_COUNTRIES}
    return sorted(names)


def visible_text(response):
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


def test_no_public_page_shows_a_country_the_seed_does_not_state(client, seed):
    source = normalize(SOURCE.read_text(encoding="utf-8"))
    names = removed_country_names()
    # None of them is in the seed (nor in any page quoting it), so none may be on a page.
    assert [name for name in names if name in source] == []
    hearing = f"/hearings/{SLUG}/"
    paths = [
        "/",
        hearing,
        f"{hearing}statistics/",
        f"{hearing}outcomes/",
        "/stakeholders/",
        *[f"/stakeholders/{o['slug']}/" for o in fixture_records("stakeholders.organization")],
        *[f"/people/{p['slug']}/" for p in fixture_records("stakeholders.person")],
    ]
    for language in ["en", "fr", "es"]:
        for path in paths:
            response = client.get(path, headers={"accept-language": language})
            assert response.status_code == 200, path
            text = visible_text(response)
            assert [name for name in names if name in text] == [], (language, path)
    # The States' own countries are stated, and shown.
    assert "Switzerland" in visible_text(client.get("/stakeholders/switzerland/"))
    assert "Mexico" in visible_text(client.get("/stakeholders/mexico/"))
