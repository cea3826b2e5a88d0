"""Who was heard at a hearing: speakers, floor interventions, registrations and published
contributions counted by stakeholder category and by region, in five queries whatever the size.

Regions follow the M49 standard through the organization's country, with two exceptions the
secretariat asked for: United Nations system entities and intergovernmental organizations count as
"International" whatever the country of their seat, and a speaker in a regional sub-discussion
counts for the region the sub-discussion was about. That region is read from the sub-discussion's
title ("The Americas", "Asia and Middle East"), which keeps the model free of a field that only
the statistics would use; a title naming two regions ("Africa and Europe") gives each speaker the
named region of their own organization, or else the first one named.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from consultations.enums import ContributionStatus, ParticipationRole, RegistrationStatus
from consultations.models import Contribution, Intervention, Participation, Registration
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.m49 import COUNTRY_REGION

INTERNATIONAL = "international"
NOT_STATED = "not_stated"
REGION_LABELS = {
    **dict(Region.choices),
    INTERNATIONAL: _("International"),
    NOT_STATED: _("Not stated"),
}
INTERNATIONAL_CATEGORIES = {StakeholderCategory.UN_SYSTEM, StakeholderCategory.INTERGOVERNMENTAL}
SPEAKER_ROLES = [ParticipationRole.MODERATOR, ParticipationRole.PANELLIST]

# Words in a sub-discussion title that name a region (English titles, as the record keeps them).
REGION_WORDS = [
    (re.compile(r"\bamericas?\b|\blatin america\b|\bcaribbean\b", re.I), Region.AMERICAS),
    (re.compile(r"\bafrica\b", re.I), Region.AFRICA),
    (re.compile(r"\basia\b|\bmiddle east\b|\barab states\b", re.I), Region.ASIA),
    (re.compile(r"\beurope\b", re.I), Region.EUROPE),
    (re.compile(r"\boceania\b|\bpacific\b", re.I), Region.OCEANIA),
]


def regions_named_in(title):
    """The regions a title names, in the order it names them."""
    found = [(match.start(), region) for pattern, region in REGION_WORDS
             for match in [pattern.search(title)] if match]  # fmt: skip
    ordered = []
    for _position, region in sorted(found):
        if region not in ordered:
            ordered.append(region)
    return ordered


def region_of(category, region):
    """The region an organization (or a registrant, or an author) counts for."""
    if category in INTERNATIONAL_CATEGORIES:
        return INTERNATIONAL
    return region or NOT_STATED


def speaker_region(category, region, sub_discussion_title):
    named = regions_named_in(sub_discussion_title or "")
    if not named:
        return region_of(category, region)
    return region if region in named else named[0]


@dataclass
class Row:
    key: str
    label: str
    counts: dict
    total: int


@dataclass
class Breakdown:
    """One table: rows (categories or regions) by columns (kinds of participation)."""

    title: str
    rows: list
    totals: dict
    maximum: int


COLUMNS = [
    ("speakers", _("Panellists and moderators")),
    ("floor", _("Floor interventions")),
    ("registrations", _("Approved registrations")),
    ("contributions", _("Published contributions")),
]


def breakdown(title, labels, counters):
    rows = []
    for key, label in labels.items():
        counts = {column: counters[column][key] for column, _label in COLUMNS}
        total = sum(counts.values())
        if total:
            rows.append(Row(key, label, counts, total))
    totals = {column: sum(counters[column].values()) for column, _label in COLUMNS}
    maximum = max((count for row in rows for count in row.counts.values()), default=0)
    return Breakdown(title, rows, totals, maximum)


def who_was_heard(hearing):
    """Two breakdowns of the hearing's participation, by category and by region.

    Queries: 1 speakers (with organization and sub-discussion), 2 floor interventions,
    3 approved registrations grouped, 4 published contributions grouped."""
    by_category = {column: Counter() for column, _label in COLUMNS}
    by_region = {column: Counter() for column, _label in COLUMNS}

    speakers = (
        Participation.objects.filter(role__in=SPEAKER_ROLES, organization__isnull=False)
        .filter(placed_in(hearing))
        .values_list("organization__category", "organization__region", "sub_discussion__title")
    )
    for category, region, sub_title in speakers:
        by_category["speakers"][category] += 1
        by_region["speakers"][speaker_region(category, region, sub_title)] += 1

    floor = Intervention.objects.filter(placed_in(hearing)).values_list(
        "organization__category", "organization__region", "sub_discussion__title"
    )
    for category, region, sub_title in floor:
        by_category["floor"][category] += 1
        by_region["floor"][speaker_region(category, region, sub_title)] += 1

    registrations = (
        Registration.objects.filter(hearing=hearing, status=RegistrationStatus.APPROVED)
        .values_list("category", "country")
        .annotate(n=Count("id"))
        .order_by()
    )
    for category, country, n in registrations:
        by_category["registrations"][category] += n
        by_region["registrations"][region_of(category, COUNTRY_REGION.get(country))] += n

    contributions = (
        Contribution.objects.filter(hearing=hearing, status__in=ContributionStatus.public())
        .values_list("category", "region")
        .annotate(n=Count("id"))
        .order_by()
    )
    for category, region, n in contributions:
        by_category["contributions"][category] += n
        by_region["contributions"][region_of(category, region)] += n

    return [
        breakdown(_("By stakeholder category"), dict(StakeholderCategory.choices), by_category),
        breakdown(_("By region"), REGION_LABELS, by_region),
    ]


def placed_in(hearing):
    return Q(segment__hearing=hearing) | Q(sub_discussion__segment__hearing=hearing)
