"""Who was heard: the page's four tables against a hand count of the seed, and each counting rule
(once per person, the region rules in their order, the honorific, what stands beside the
speakers) on a hearing built for it."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations.enums import ContributionStatus, ParticipationRole, RegistrationStatus
from consultations.models import Intervention
from consultations.statistics import MEN, NOT_STATED, WOMEN, gender_of
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    ParticipationFactory,
    RegistrationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/statistics/"
NOW = timezone.now()


def cells(html):
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)
    ]


def table_of(page, caption):
    """The table as lists of cells: the header, each row of the body, the totals."""
    found = re.search(
        rf"<caption>{caption}</caption>\s*<thead>(.*?)</thead>\s*<tbody>(.*?)</tbody>\s*"
        r"<tfoot>(.*?)</tfoot>",
        page,
        re.S,
    )
    head, body, foot = found.groups()
    return {
        "head": cells(head),
        "rows": [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)],
        "total": cells(foot),
    }


def bars_of(page, key):
    """The chart of one section: (label, value) per bar."""
    section = re.search(rf'<section [^>]*aria-labelledby="by-{key}">(.*?)</section>', page, re.S)
    chart = re.search(r'<div class="chart" aria-hidden="true">(.*?)<table', section[1], re.S)[1]
    return re.findall(
        r'<span class="chart-label">(.*?)</span>.*?<span class="bar-value">(\d+)</span>',
        chart,
        re.S,
    )


def statistics_page(client, hearing):
    response = client.get(reverse("consultations:statistics", args=[hearing.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_seed_matches_the_hand_count(client):
    """Counted by hand from the seed text (fixtures/sources/gcm_hearing_2017_summary.txt):
    22 people. Opening: Lajčák (H.E. Mr., UN), Arbour (Ms., UN). Panel 1: Chatzis (Mr., UNODC,
    moderator), Falconer, Sheill, Reitano (Ms.). Panel 2: Leighton (Ms., ILO, moderator),
    Beirnaert, Bingham, de Boer (Mr.). Remarks: Swing (Mr., IOM). Panel 3: Rajah (Mr., IOM,
    moderator); the Americas: Lederer, Lema (Ms.); Africa and Europe: Isinta, LeVoy (Ms.), Murray
    (Mr.); Asia and Middle East: Azeez (Mr.), Hamati (Ms.), Khan (Mr.). Closing: Lauber (H.E.
    Mr., Switzerland), Gómez Camacho (H.E. Mr., Mexico), and Lajčák again, not counted twice."""
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    response = client.get(SEED)
    page = response.content.decode()
    assert "22 people were heard." in page
    assert "Everyone who spoke counts once, under their first role in the programme" in page

    # Nothing but speakers to count: one column, and the chart shows every row.
    by_role = table_of(page, "By role")
    assert by_role == {
        "head": ["Role", "People heard"],
        "rows": [
            ["Moderators", "3"],
            ["Panellists", "14"],
            ["Speakers", "3"],
            ["Co-facilitators", "2"],
        ],
        "total": ["Total", "22"],
    }
    # The categories of the fixture's organizations (fixtures/sources/ADDED.md gives their basis).
    assert table_of(page, "By stakeholder category")["rows"] == [
        ["Member State", "2"],  # Switzerland, Mexico
        ["United Nations system entity", "6"],  # Lajčák, Arbour, Chatzis, Leighton, Swing, Rajah
        # Falconer, Sheill, Reitano, Bingham, Lema, Isinta, LeVoy, Azeez, Hamati
        ["Civil society organization", "9"],
        ["Private sector", "3"],  # de Boer, Murray, Khan
        ["Trade union", "2"],  # Beirnaert, Lederer
    ]
    by_region = table_of(page, "By region")
    assert by_region["rows"] == [
        ["Africa and Europe", "3"],  # Isinta, LeVoy, Murray: one group, never split
        ["Americas", "3"],  # Lederer, Lema, and Mexico's co-facilitator
        ["Asia", "3"],  # Azeez, Hamati, Khan: M49 counts the Middle East in Asia
        ["Europe", "1"],  # Switzerland's co-facilitator
        ["International", "6"],  # Lajčák, Arbour, Chatzis, Leighton, Swing, Rajah
        ["Not stated", "6"],  # the six panellists of the first two panels
    ]
    assert by_region["total"] == ["Total", "22"]
    assert table_of(page, "By gender")["rows"] == [["Women", "10"], ["Men", "12"]]
    assert bars_of(page, "region") == [tuple(row) for row in by_region["rows"]]
    assert bars_of(page, "role") == [tuple(row) for row in by_role["rows"]]


@pytest.mark.parametrize(
    ("honorific", "gender"),
    [
        ("Ms.", WOMEN),
        ("H.E. Ms.", WOMEN),
        ("Mrs", WOMEN),
        ("Madam", WOMEN),
        ("Mme", WOMEN),
        ("Sra.", WOMEN),
        ("Mr.", MEN),
        ("H.E. Mr.", MEN),
        ("M.", MEN),
        ("Sir", MEN),
        ("", NOT_STATED),
        ("Dr.", NOT_STATED),
        ("H.E.", NOT_STATED),
        ("Mx.", NOT_STATED),
        ("Msgr.", NOT_STATED),  # a word of its own, not "Ms." followed by letters
        ("Mr. and Ms.", NOT_STATED),
    ],
)
def test_gender_follows_the_honorific_only(honorific, gender):
    assert gender_of(honorific) == gender


def test_a_person_counts_once_under_their_first_role_in_programme_order(client):
    hearing = HearingFactory()
    opening = SegmentFactory(hearing=hearing, order=1)
    panel = SegmentFactory(hearing=hearing, order=2)
    regional = SubDiscussionFactory(segment=panel, order=1, regions=["asia", "oceania"])
    president = PersonFactory(honorific="H.E. Ms.")
    moderator = PersonFactory(honorific="Dr.")
    # The president opens and closes; the moderator's own role in the segment comes before the
    # sub-discussion she also speaks in, however the two are numbered.
    ParticipationFactory(segment=opening, person=president, role=ParticipationRole.SPEAKER)
    ParticipationFactory(
        segment=None, sub_discussion=regional, person=moderator, order=1, role="panellist"
    )
    ParticipationFactory(segment=panel, person=moderator, order=9, role="moderator")
    ParticipationFactory(segment=panel, person=president, order=10, role="speaker")
    page = statistics_page(client, hearing)
    assert "2 people were heard." in page
    assert table_of(page, "By role")["rows"] == [["Moderators", "1"], ["Speakers", "1"]]
    assert table_of(page, "By gender")["rows"] == [["Women", "1"], ["Not stated", "1"]]
    # Having spoken in a regional discussion, the moderator counts for its regions.
    assert table_of(page, "By region")["rows"] == [["Asia and Oceania", "1"], ["Not stated", "1"]]


def test_regions_follow_the_rules_in_order_never_a_headquarters(client):
    hearing = HearingFactory()
    panel = SegmentFactory(hearing=hearing, order=1)
    regional = SubDiscussionFactory(segment=panel, order=1, regions=["africa", "europe"])
    kenya = OrganizationFactory(category=StakeholderCategory.MEMBER_STATE, country="KE")
    holy_see = OrganizationFactory(category=StakeholderCategory.OBSERVER_STATE, country="VA")
    chile = OrganizationFactory(category=StakeholderCategory.MEMBER_STATE, country="CL")
    agency = OrganizationFactory(category=StakeholderCategory.UN_SYSTEM, country="US")
    igo = OrganizationFactory(category=StakeholderCategory.INTERGOVERNMENTAL, country="FR")
    ngo = OrganizationFactory(category=StakeholderCategory.CIVIL_SOCIETY, country="JP")
    for order, organization in enumerate([kenya, holy_see, agency, igo, ngo, None], start=1):
        ParticipationFactory(segment=panel, order=order, organization=organization)
    # A State speaking in a regional discussion counts for the discussion's group.
    ParticipationFactory(segment=None, sub_discussion=regional, order=1, organization=chile)
    page = statistics_page(client, hearing)
    assert table_of(page, "By region")["rows"] == [
        ["Africa", "1"],  # Kenya
        ["Africa and Europe", "1"],  # Chile, in the "Africa and Europe" discussion
        ["Europe", "1"],  # the Holy See
        ["International", "2"],  # the UN entity and the intergovernmental organization
        ["Not stated", "2"],  # the NGO with a seat in Japan, and no organization at all
    ]
    assert table_of(page, "By stakeholder category")["rows"] == [
        ["Member State", "2"],
        ["Observer State", "1"],
        ["United Nations system entity", "1"],
        ["Intergovernmental organization", "1"],
        ["Civil society organization", "1"],
        ["Not stated", "1"],
    ]


def test_each_floor_intervention_counts_once(client):
    hearing = HearingFactory()
    panel = SegmentFactory(hearing=hearing, order=1)
    regional = SubDiscussionFactory(segment=panel, order=1, regions=["americas"])
    mexico = OrganizationFactory(category=StakeholderCategory.MEMBER_STATE, country="MX")
    union = OrganizationFactory(category=StakeholderCategory.TRADE_UNION, country="BE")
    ParticipationFactory(segment=panel, order=1, person=PersonFactory(honorific="Mr."))
    Intervention.objects.create(segment=panel, order=1, organization=mexico)
    Intervention.objects.create(segment=panel, order=2, organization=union, speaker_name="Ms. A")
    Intervention.objects.create(segment=panel, order=3, organization=union)
    Intervention.objects.create(sub_discussion=regional, order=1, organization=union)
    page = statistics_page(client, hearing)
    assert "5 people were heard." in page
    assert table_of(page, "By role")["rows"] == [["Panellists", "1"], ["Floor interventions", "4"]]
    assert table_of(page, "By region")["rows"] == [["Americas", "2"], ["Not stated", "3"]]
    # An intervention records no honorific: its speaker's name is not read for one.
    assert table_of(page, "By gender")["rows"] == [["Men", "1"], ["Not stated", "4"]]


def test_registrations_and_contributions_stand_beside_the_speakers(client):
    hearing = HearingFactory()
    ParticipationFactory(
        segment=SegmentFactory(hearing=hearing),
        person=PersonFactory(honorific="Ms."),
        organization=OrganizationFactory(category=StakeholderCategory.CIVIL_SOCIETY, country="KE"),
    )
    approved = {"hearing": hearing, "status": RegistrationStatus.APPROVED, "decided_at": NOW}
    RegistrationFactory(**approved, honorific="Mr.", country="KE")
    RegistrationFactory(**approved, category=StakeholderCategory.INTERGOVERNMENTAL, country="CH")
    RegistrationFactory(hearing=hearing, status=RegistrationStatus.PENDING, country="KE")
    published = {"status": ContributionStatus.PUBLISHED, "published_at": NOW}
    ContributionFactory(hearing=hearing, country="", **published)
    ContributionFactory(hearing=hearing, country="FR")  # awaiting review
    ContributionFactory(hearing=HearingFactory(), country="FR", **published)
    ContributionFactory(hearing=HearingFactory(published=False), country="FR", **published)
    page = statistics_page(client, hearing)
    heard, registered, contributed = (
        "People heard",
        "Approved registrations",
        "Published contributions",
    )
    by_region = table_of(page, "By region")
    assert by_region == {
        "head": ["Region", heard, registered, contributed],
        "rows": [
            # The registrant's own country counts; the speaker's organization's does not.
            ["Africa", "0", "1", "0"],
            ["International", "0", "1", "0"],
            ["Not stated", "1", "0", "1"],
        ],
        "total": ["Total", "1", "2", "1"],
    }
    # One bar per row the speakers count; the other figures are in the table only.
    assert bars_of(page, "region") == [("Not stated", "1")]
    assert table_of(page, "By gender") == {
        "head": ["Gender", heard, registered],
        "rows": [["Women", "1", "0"], ["Men", "0", "1"], ["Not stated", "0", "1"]],
        "total": ["Total", "1", "2"],
    }
    assert table_of(page, "By role")["head"] == ["Role", heard]


def test_without_speakers_the_chart_shows_the_first_column_that_counts(client):
    hearing = HearingFactory()
    RegistrationFactory(
        hearing=hearing, status=RegistrationStatus.APPROVED, decided_at=NOW, country="BR"
    )
    page = statistics_page(client, hearing)
    assert "people were heard" not in page
    assert bars_of(page, "region") == [("Americas", "1")]
    assert '<p class="chart-legend">Approved registrations</p>' in page
    role = re.search(r'aria-labelledby="by-role">(.*?)</section>', page, re.S)[1]
    assert "Nothing to count yet." in role


def build_programme(hearing, segments):
    """Per segment: a moderator who also sits in its regional discussion, a panellist of another
    State, a floor intervention in each place; approved registrations and contributions too."""
    for order in range(1, segments + 1):
        segment = SegmentFactory(hearing=hearing, order=order)
        moderator = ParticipationFactory(segment=segment, order=1, role="moderator").person
        ParticipationFactory(
            segment=segment,
            order=2,
            organization=OrganizationFactory(category=StakeholderCategory.MEMBER_STATE),
        )
        sub = SubDiscussionFactory(segment=segment, order=1, regions=["africa", "europe"])
        ParticipationFactory(segment=None, sub_discussion=sub, order=1, person=moderator)
        organization = OrganizationFactory()
        Intervention.objects.create(segment=segment, order=1, organization=organization)
        Intervention.objects.create(sub_discussion=sub, order=1, organization=organization)
        RegistrationFactory(
            hearing=hearing, status=RegistrationStatus.APPROVED, decided_at=NOW, country="KE"
        )
        ContributionFactory(
            hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=NOW, country="IN"
        )


@pytest.mark.parametrize("segments", [2, 30])
def test_statistics_run_a_fixed_number_of_queries(client, django_assert_num_queries, segments):
    hearing = HearingFactory()
    build_programme(hearing, segments)
    # 1 the hearing with its process, 2 programme roles with people, organizations and places,
    # 3 floor interventions with organizations and places, 4 approved registrations grouped,
    # 5 published contributions grouped
    with django_assert_num_queries(5):
        page = statistics_page(client, hearing)
    assert f"{4 * segments} people were heard." in page
