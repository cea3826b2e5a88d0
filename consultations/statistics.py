"""Who was heard at a hearing: every person who spoke, once, by role, stakeholder category, region
and gender, with approved registrations and published contributions beside them. Five queries
whatever the size of the programme. The page explains these rules in one paragraph.

Who counts. Every person with a role in the programme counts once per hearing, under their first
role in programme order (segments in order; inside a segment, its own roles before those of its
sub-discussions; then the order inside each place), with the organization they held in that role:
the President of the General Assembly, who opens and closes, counts once, as a speaker. A floor
intervention names an organization, and perhaps a speaker, but no person of the register, so each
counts once. Where the live speakers' list recorded how long it lasted, its minutes are added up
by category and region ("Minutes from the floor").

Region, by the first rule that applies:
1. someone who spoke in a sub-discussion that has regions counts for that group of regions (the
   first such sub-discussion in programme order): "Africa and Europe" is one row, never split;
2. a Member State's or Observer State's representative counts for the State's M49 region;
3. United Nations system entities and intergovernmental organizations count as International;
4. everyone else counts as Not stated. An organization's country is where it has its seat, not the
   region its speaker represents, so it is never read for anyone but a State.

Category: the stakeholder category of the organization (Member States included), Not stated
without one.

Gender: the honorific as recorded, read word by word. A woman's title (Ms., Mrs., Miss, Madam,
and the French and Spanish ones a registrant may type: Mme, Mlle, Sra., Srta.) and no man's counts
as Women; a man's title (Mr., Sir, M., Sr.) and no woman's as Men; anything else (none, "Dr.",
"H.E." alone, or both kinds) as Not stated. "H.E. Mr." is a man's. Floor interventions record no
honorific: Not stated.

Attended: approved registrations checked in at the door, walk-ins included, counted as
registrations are.

Registrations and contributions count by the category and country their authors gave: United
Nations system and intergovernmental as International, else the country's region, else Not stated.
Contributions record no honorific, so the gender table has no column for them.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from consultations.enums import ParticipationRole, RegistrationStatus
from consultations.models import Contribution, Intervention, Participation, Registration
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.m49 import COUNTRY_REGION, regions_label

HEARD = "heard"
REGISTRATIONS = "registrations"
ATTENDED = "attended"
CONTRIBUTIONS = "contributions"
FLOOR_MINUTES = "floor_minutes"
COLUMN_LABELS = {
    HEARD: _("People heard"),
    REGISTRATIONS: _("Approved registrations"),
    ATTENDED: _("Attended"),
    CONTRIBUTIONS: _("Published contributions"),
    FLOOR_MINUTES: _("Minutes from the floor"),
}

FLOOR = "floor"
ROLE_LABELS = {
    **{role.value: role.plural_label for role in ParticipationRole},
    FLOOR: _("Floor interventions"),
}

NOT_STATED = "not_stated"
CATEGORY_LABELS = {**dict(StakeholderCategory.choices), NOT_STATED: _("Not stated")}

INTERNATIONAL = "international"
INTERNATIONAL_CATEGORIES = {StakeholderCategory.UN_SYSTEM, StakeholderCategory.INTERGOVERNMENTAL}
REGION_ORDER = list(Region.values)

WOMEN = "women"
MEN = "men"
GENDER_LABELS = {WOMEN: _("Women"), MEN: _("Men"), NOT_STATED: _("Not stated")}
WOMEN_TITLES = {"ms", "mrs", "miss", "madam", "madame", "mme", "mlle", "sra", "srta"}
MEN_TITLES = {"mr", "sir", "m", "monsieur", "sr"}


def gender_of(honorific):
    words = set(re.findall(r"[^\W\d_]+", (honorific or "").casefold()))
    woman, man = bool(words & WOMEN_TITLES), bool(words & MEN_TITLES)
    if woman and not man:
        return WOMEN
    if man and not woman:
        return MEN
    return NOT_STATED


def speaker_region(category, organization_region, discussion_regions):
    """The region key of one speaker: a tuple of M49 regions, INTERNATIONAL or NOT_STATED."""
    if discussion_regions:
        return tuple(discussion_regions)
    if category in StakeholderCategory.states() and organization_region:
        return (organization_region,)
    if category in INTERNATIONAL_CATEGORIES:
        return INTERNATIONAL
    return NOT_STATED


def author_region(category, region):
    """The region key of a registrant or an author, from the country they gave."""
    if category in INTERNATIONAL_CATEGORIES:
        return INTERNATIONAL
    return (region,) if region else NOT_STATED


def region_sort_key(key):
    """Regions and groups in M49 order (Africa, Africa and Europe, Americas, …), then
    International, then Not stated."""
    if key == INTERNATIONAL:
        return (1, ())
    if key == NOT_STATED:
        return (2, ())
    return (0, tuple(REGION_ORDER.index(region) for region in key))


def region_label(key):
    if key == INTERNATIONAL:
        return _("International")
    if key == NOT_STATED:
        return _("Not stated")
    return regions_label(key)


@dataclass
class Row:
    label: str
    cells: list
    heard: int


@dataclass
class Bar:
    label: str
    value: int
    percent: int


@dataclass
class Table:
    """One dimension: a row per value that any shown column counts, a column per kind of
    participation that counts anything (the speakers' always), and a chart of one column."""

    key: str
    title: str
    heading: str
    columns: list
    rows: list
    totals: list
    chart_label: str
    bars: list


def table(key, title, heading, labels, counters, columns):
    """`labels` maps each possible row key to its label, in the order rows are shown."""
    shown = [c for c in columns if c == HEARD or sum(counters[c].values())]
    rows = []
    for row_key, label in labels.items():
        cells = [counters[c][row_key] for c in shown]
        if any(cells):
            rows.append(Row(label, cells, counters[HEARD][row_key]))
    totals = [sum(counters[c].values()) for c in shown]
    # The chart draws one bar per row: the people heard, or else the first column that counts
    # anything. A row the chart's column does not count has no bar (the table shows it).
    charted = next((i for i, total in enumerate(totals) if total), 0)
    values = [(row.label, row.cells[charted]) for row in rows if row.cells[charted]]
    largest = max((value for _label, value in values), default=0)
    bars = [Bar(label, value, round(100 * value / largest)) for label, value in values]
    return Table(
        key,
        title,
        heading,
        [COLUMN_LABELS[c] for c in shown],
        rows,
        totals,
        COLUMN_LABELS[shown[charted]],
        bars,
    )


@dataclass
class Statistics:
    heard: int
    tables: list


def placed_in(hearing):
    return Q(segment__hearing=hearing) | Q(sub_discussion__segment__hearing=hearing)


def programme_position(segment_order, sub_order, order):
    """Where a role sits in the programme: its segment, the segment's own roles before its
    sub-discussions', then the order inside its place."""
    return (segment_order, sub_order is not None, sub_order or 0, order)


def people_heard(hearing):
    """One (role, category, region key, gender) per person with a role in the hearing, from
    their first role in programme order. One query."""
    roles = (
        Participation.objects.filter(placed_in(hearing))
        .values_list(
            "person_id",
            "person__honorific",
            "role",
            "organization__category",
            "organization__region",
            "segment__order",
            "sub_discussion__segment__order",
            "sub_discussion__order",
            "sub_discussion__regions",
            "order",
        )
        .order_by()
    )
    first_role, discussion_regions = {}, {}
    ordered = sorted(
        roles, key=lambda r: programme_position(r[5] if r[5] is not None else r[6], r[7], r[9])
    )
    for person, honorific, role, category, region, *_place, regions, _order in ordered:
        first_role.setdefault(person, (role, category, region, honorific))
        if regions:
            discussion_regions.setdefault(person, regions)
    return [
        (
            role,
            category or NOT_STATED,
            speaker_region(category, region, discussion_regions.get(person)),
            gender_of(honorific),
        )
        for person, (role, category, region, honorific) in first_role.items()
    ]


def floor_heard(hearing):
    """One (role, category, region key, gender, seconds spoken) per floor intervention; the
    seconds where the speakers' list recorded them, else 0. One query."""
    interventions = (
        Intervention.objects.filter(placed_in(hearing))
        .values_list(
            "organization__category",
            "organization__region",
            "sub_discussion__regions",
            "seconds_spoken",
        )
        .order_by()
    )
    return [
        (FLOOR, category, speaker_region(category, region, regions), NOT_STATED, seconds or 0)
        for category, region, regions, seconds in interventions
    ]


def who_was_heard(hearing):
    """Queries: 1 programme roles with people, organizations and places, 2 floor interventions,
    3 approved registrations grouped, with those who attended (checked in at the door), 4
    published contributions grouped."""
    by_role, by_category, by_region, by_gender = (
        {column: Counter() for column in COLUMN_LABELS} for _table in range(4)
    )
    floor = floor_heard(hearing)
    heard = people_heard(hearing) + [intervention[:4] for intervention in floor]
    for role, category, region, gender in heard:
        by_role[HEARD][role] += 1
        by_category[HEARD][category] += 1
        by_region[HEARD][region] += 1
        by_gender[HEARD][gender] += 1
    # Minutes from the floor, per row, rounded once the row's seconds are added up.
    for _role, category, region, _gender, seconds in floor:
        by_category[FLOOR_MINUTES][category] += seconds
        by_region[FLOOR_MINUTES][region] += seconds
    for counters in (by_category, by_region):
        counters[FLOOR_MINUTES] = Counter(
            {key: round(seconds / 60) for key, seconds in counters[FLOOR_MINUTES].items()}
        )

    registrations = (
        Registration.objects.filter(hearing=hearing, status=RegistrationStatus.APPROVED)
        .values_list("category", "country", "honorific")
        .annotate(n=Count("id"), arrived=Count("id", filter=Q(checked_in_at__isnull=False)))
        .order_by()
    )
    for category, country, honorific, n, arrived in registrations:
        region = author_region(category, COUNTRY_REGION.get(country))
        for column, count in ((REGISTRATIONS, n), (ATTENDED, arrived)):
            by_category[column][category] += count
            by_region[column][region] += count
            by_gender[column][gender_of(honorific)] += count

    contributions = (
        Contribution.objects.published()
        .filter(hearing=hearing)
        .values_list("category", "region")
        .annotate(n=Count("id"))
        .order_by()
    )
    for category, region, n in contributions:
        by_category[CONTRIBUTIONS][category] += n
        by_region[CONTRIBUTIONS][author_region(category, region)] += n

    regions = sorted(
        {key for counter in by_region.values() for key in counter}, key=region_sort_key
    )
    every = [HEARD, REGISTRATIONS, ATTENDED, CONTRIBUTIONS, FLOOR_MINUTES]
    return Statistics(
        heard=len(heard),
        tables=[
            table("role", _("By role"), _("Role"), ROLE_LABELS, by_role, [HEARD]),
            table(
                "category",
                _("By stakeholder category"),
                _("Stakeholder category"),
                CATEGORY_LABELS,
                by_category,
                every,
            ),
            table(
                "region",
                _("By region"),
                _("Region"),
                {key: region_label(key) for key in regions},
                by_region,
                every,
            ),
            table(
                "gender",
                _("By gender"),
                _("Gender"),
                GENDER_LABELS,
                by_gender,
                [HEARD, REGISTRATIONS, ATTENDED],
            ),
        ],
    )
