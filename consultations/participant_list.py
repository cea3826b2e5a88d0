"""A hearing's list of participants, as UN hearings publish one with their outcome: the people
with a role in the programme, then the approved registrants who agreed to be listed, each part
grouped by stakeholder category, then organization. Each person shows with their name, position
and organization, and nothing else (never an email address, a country or a need).

Speakers appear once, with the position and organization of their first role in programme order
(as "who was heard" counts them), under the category of that organization. Registrants appear
under the category and organization they registered with (the register's name once the
secretariat matched it, else the name they typed). Two queries whatever the number of people."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from consultations.models import Participation, Registration
from consultations.statistics import placed_in, programme_position
from stakeholders.enums import StakeholderCategory

NOT_STATED = ""
CATEGORY_ORDER = [*StakeholderCategory.values, NOT_STATED]


@dataclass
class Participant:
    honorific: str
    name: str
    position: str

    def __str__(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name


@dataclass
class OrganizationGroup:
    name: str
    participants: list = field(default_factory=list)


@dataclass
class CategoryGroup:
    category: str
    organizations: list = field(default_factory=list)

    @property
    def label(self):
        if self.category == NOT_STATED:
            return _("Category not stated")
        return StakeholderCategory(self.category).label

    @property
    def count(self):
        return sum(len(group.participants) for group in self.organizations)


@dataclass
class ParticipantList:
    speakers: list
    registrants: list

    @property
    def count(self):
        return sum(group.count for group in self.speakers + self.registrants)


def grouped(rows):
    """(category, organization, honorific, name, position) rows as categories in the order of
    `StakeholderCategory` (not stated last), organizations and names alphabetically (an
    unstated organization last; honorifics aside)."""
    tree = {}
    for category, organization, honorific, name, position in rows:
        category = category if category in StakeholderCategory.values else NOT_STATED
        people = tree.setdefault(category, {}).setdefault(organization or "", [])
        people.append(Participant(honorific, name, position))
    groups = []
    for category in sorted(tree, key=CATEGORY_ORDER.index):
        organizations = sorted(
            tree[category].items(), key=lambda item: (not item[0], item[0].casefold())
        )
        groups.append(
            CategoryGroup(
                category,
                [
                    OrganizationGroup(name, sorted(people, key=lambda p: p.name.casefold()))
                    for name, people in organizations
                ],
            )
        )
    return groups


def speakers(hearing, public=True):
    """One row per person with a role in the hearing (a public one, for the public), from their
    first role. One query."""
    roles = Participation.objects.public() if public else Participation.objects.all()
    roles = (
        roles.filter(placed_in(hearing))
        .values_list(
            "person_id",
            "person__honorific",
            "person__name",
            "position",
            "organization__name",
            "organization__category",
            "segment__order",
            "sub_discussion__segment__order",
            "sub_discussion__order",
            "order",
        )
        .order_by()
    )
    first_role = {}
    for person, honorific, name, position, organization, category, *_place in sorted(
        roles, key=lambda r: programme_position(r[6] if r[6] is not None else r[7], r[8], r[9])
    ):
        first_role.setdefault(person, (category, organization, honorific, name, position))
    return list(first_role.values())


def registrants(hearing, public=True):
    """One row per registrant on the list (`RegistrationQuerySet.listed`). One query."""
    rows = (
        Registration.objects.listed(public)
        .filter(hearing=hearing)
        .values_list(
            "category", "organization__name", "organization_name", "honorific", "name", "position"
        )
        .order_by()
    )
    return [
        (category, matched or typed, honorific, name, position)
        for category, matched, typed, honorific, name, position in rows
    ]


def list_of_participants(hearing, public=True):
    """The list as the public reads it, or as staff preview it (`public=False`)."""
    return ParticipantList(
        speakers=grouped(speakers(hearing, public)),
        registrants=grouped(registrants(hearing, public)),
    )
