"""Campaign groups where the public reads them: on /contributions/ a group of published near
copies shows once, its lead's card (the earliest published member) with the others under it; the API gives each
contribution its group and the group's published size, and lists a group. Nothing unpublished is
counted or named."""

import datetime
import io
import re

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from consultations.campaigns import refresh_lead
from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.services import moderate_contribution
from consultations.tests.factories import ContributionFactory, HearingFactory
from consultations.views import CAMPAIGN_MEMBERS_SHOWN, PAGE_SIZE
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

START = timezone.now() - datetime.timedelta(days=30)
HOUR = datetime.timedelta(hours=1)
CARD = 'class="card contribution-card"'


def member(campaign, hours, status=ContributionStatus.PUBLISHED, **kwargs):
    """A contribution of the campaign group `campaign`, published `hours` after START."""
    published_at = START + hours * HOUR if status == ContributionStatus.PUBLISHED else None
    contribution = ContributionFactory(status=status, published_at=published_at, **kwargs)
    Contribution.objects.filter(pk=contribution.pk).update(campaign=campaign)
    contribution.campaign = campaign
    # What the services do when a member is published (`moderate_contribution`).
    refresh_lead(contribution.hearing_id, campaign)
    return contribution


def text_of(response):
    """The page's visible words, tags removed and spaces folded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def card_titles(response):
    return re.findall(r'<h3><a href="[^"]+"[^>]*>([^<]+)</a></h3>', response.content.decode())


def member_titles(response):
    """The titles listed under the cards, in the campaigns' <details>."""
    groups = re.findall(r"<details.*?</details>", response.content.decode(), flags=re.S)
    return [re.findall(r'<li><a href="[^"]+"[^>]*>([^<]+)</a>', group) for group in groups]


@pytest.fixture
def hearing():
    return HearingFactory()


def on_hearing(hearing, query=""):
    """The hearing's list, where campaign groups show once."""
    return f"/contributions/?hearing={hearing.slug}{query}"


def test_a_campaign_shows_once_as_its_first_published_member(client, hearing):
    # published in the order second, first, third: the earliest published leads the group
    first = member("c1", 1, hearing=hearing, title="First copy")
    second = member("c1", 0, hearing=hearing, title="Earliest copy")
    third = member("c1", 5, hearing=hearing, title="Latest copy")
    alone = member("c2", 3, hearing=hearing, title="A text of its own")
    response = client.get(on_hearing(hearing))
    assert card_titles(response) == ["A text of its own", "Earliest copy"]
    assert member_titles(response) == [["First copy", "Latest copy"]]
    page = text_of(response)
    assert "2 contributions" in page
    assert "and 2 similar contributions" in page
    content = response.content.decode()
    assert content.count("<details") == 1
    for contribution in (first, third):
        assert f'href="/contributions/{contribution.reference}/"' in content
    # the whole campaign is everything listed (no link to more)
    assert "see the whole campaign" not in page
    assert second.pk and alone.pk


@pytest.mark.parametrize(
    "status",
    [
        ContributionStatus.SUBMITTED,
        ContributionStatus.UNDER_REVIEW,
        ContributionStatus.REJECTED,
        ContributionStatus.WITHDRAWN,
    ],
)
def test_an_unpublished_member_is_never_counted_nor_named(client, hearing, status):
    member("c1", 0, hearing=hearing, title="Published copy")
    member("c1", 1, hearing=hearing, title="Second published copy")
    member("c1", 2, status=status, hearing=hearing, title="Secret copy")
    # an unpublished member even before the first published one does not lead the group
    member("c2", 0, status=status, hearing=hearing, title="Earlier secret")
    member("c2", 3, hearing=hearing, title="Lone published text")
    response = client.get(on_hearing(hearing))
    page = text_of(response)
    assert card_titles(response) == ["Lone published text", "Published copy"]
    assert member_titles(response) == [["Second published copy"]]
    assert "and 1 similar contribution" in page
    assert "Secret" not in page
    assert "2 similar" not in page
    # a published member at an unpublished hearing is not counted either
    HearingFactory(published=False)
    member("c2", 4, hearing=HearingFactory(published=False), title="Hidden hearing copy")
    assert "Hidden hearing" not in text_of(client.get("/contributions/"))


def test_members_of_another_hearing_are_another_group(client, hearing):
    member("c1", 0, hearing=hearing, title="Here")
    member("c1", 1, hearing=HearingFactory(), title="Elsewhere")
    response = client.get(on_hearing(hearing))
    assert card_titles(response) == ["Here"]
    assert member_titles(response) == []


def test_the_list_across_hearings_groups_too(client, hearing):
    member("c1", 0, hearing=hearing, title="First copy")
    member("c1", 1, hearing=hearing, title="Second copy")
    member("c2", 2, hearing=HearingFactory(), title="Elsewhere")
    response = client.get("/contributions/")
    assert card_titles(response) == ["Elsewhere", "First copy"]
    assert member_titles(response) == [["Second copy"]]


def test_pagination_counts_each_campaign_once(client, hearing):
    for n in range(PAGE_SIZE + 5):
        member(f"c{n}", n, hearing=hearing, title=f"Campaign {n:02d}")
        member(f"c{n}", 100 + n, hearing=hearing, title=f"Copy {n:02d}")
    first = client.get(on_hearing(hearing))
    second = client.get(on_hearing(hearing, "&page=2"))
    assert f"{PAGE_SIZE + 5} contributions" in text_of(first)
    assert card_titles(first) == [f"Campaign {n:02d}" for n in range(PAGE_SIZE + 4, 4, -1)]
    assert card_titles(second) == [f"Campaign {n:02d}" for n in range(4, -1, -1)]
    assert member_titles(second) == [[f"Copy {n:02d}"] for n in range(4, -1, -1)]


def test_the_groups_counted_are_the_groups_listed(hearing):
    """The list shows one row per group, its lead (`one_per_campaign`), and the other members
    under it: ties at the same moment, an unpublished member and another hearing included."""
    tied = [member("tie", 0, hearing=hearing) for _n in range(3)]
    member("tie", 0, ContributionStatus.SUBMITTED, hearing=hearing)
    member("tie", 1, hearing=HearingFactory())
    member("two", 2, hearing=hearing)
    two = member("two", 3, hearing=hearing)
    member("one", 4, hearing=hearing)
    contributions = Contribution.objects.for_list()
    rows = list(contributions.one_per_campaign())
    assert len(rows) == contributions.one_per_campaign().count() == 4
    assert rows[-1] == tied[0]
    groups = {(row.hearing_id, row.campaign) for row in rows}
    assert [
        (other.pk, other.group_size) for other in contributions.campaign_members(groups, 5)
    ] == [(tied[1].pk, 3), (tied[2].pk, 3), (two.pk, 2)]


def test_a_large_campaign_lists_its_first_members_and_links_to_them_all(client, hearing):
    leader = member("big", 0, hearing=hearing, title="Leader")
    for n in range(1, CAMPAIGN_MEMBERS_SHOWN + 4):
        member("big", n, hearing=hearing, title=f"Copy {n:02d}")
    response = client.get(f"/contributions/?hearing={hearing.slug}")
    assert card_titles(response) == ["Leader"]
    assert member_titles(response) == [
        [f"Copy {n:02d}" for n in range(1, CAMPAIGN_MEMBERS_SHOWN + 1)]
    ]
    page = text_of(response)
    assert f"and {CAMPAIGN_MEMBERS_SHOWN + 3} similar contributions" in page
    assert "3 more: see the whole campaign" in page
    link = f'href="/contributions/?hearing={hearing.slug}&amp;campaign=big"'
    assert link in response.content.decode()
    # that link lists every member on its own card, and keeps the campaign in the form
    whole = client.get(f"/contributions/?hearing={hearing.slug}&campaign=big")
    assert len(card_titles(whole)) == CAMPAIGN_MEMBERS_SHOWN + 4
    assert f"{CAMPAIGN_MEMBERS_SHOWN + 4} contributions" in text_of(whole)
    assert "<details" not in whole.content.decode()
    assert '<input type="hidden" name="campaign" value="big">' in whole.content.decode()
    assert leader.reference in whole.content.decode()


def test_a_lead_taken_down_hands_the_card_to_the_next_member_and_back(client, editor, hearing):
    lead = member("c1", 0, hearing=hearing, title="Lead copy")
    member("c1", 1, hearing=hearing, title="Next copy")
    moderate_contribution(lead, ContributionStatus.UNDER_REVIEW, by=editor)
    response = client.get("/contributions/")
    assert card_titles(response) == ["Next copy"]
    assert member_titles(response) == []
    # Published again, it is the group's latest: the card stays with the earlier one.
    moderate_contribution(lead, ContributionStatus.PUBLISHED, by=editor)
    response = client.get("/contributions/")
    assert card_titles(response) == ["Next copy"]
    assert member_titles(response) == [["Lead copy"]]
    assert list(Contribution.objects.filter(leads_campaign=True, campaign="c1")) == [
        Contribution.objects.get(title="Next copy")
    ]


def test_a_lead_deleted_hands_the_card_to_the_next_member(client, hearing):
    member("c1", 0, hearing=hearing, title="Lead copy").delete()
    member("c1", 1, hearing=hearing, title="Next copy")
    member("c1", 2, hearing=hearing, title="Last copy")
    Contribution.objects.get(title="Next copy").delete()
    assert card_titles(client.get("/contributions/")) == ["Last copy"]


def test_a_lead_moved_to_another_hearing_hands_the_card_on_in_both(client, hearing):
    lead = member("c1", 0, hearing=hearing, title="Lead copy")
    member("c1", 1, hearing=hearing, title="Next copy")
    elsewhere = HearingFactory()
    member("c1", 2, hearing=elsewhere, title="Later copy elsewhere")
    lead.refresh_from_db()
    lead.hearing = elsewhere
    lead.save()  # as the admin's form saves a whole record
    response = client.get("/contributions/")
    assert sorted(card_titles(response)) == ["Lead copy", "Next copy"]
    assert member_titles(response) == [["Later copy elsewhere"]]


@pytest.mark.parametrize("name", ["organization", "category"])
def test_a_filter_on_the_author_or_text_lists_every_match(client, hearing, name):
    member("c1", 0, hearing=hearing, title="Lead copy", organization=OrganizationFactory())
    other = member("c1", 1, hearing=hearing, title="Other copy", organization=OrganizationFactory())
    value = {
        "organization": other.organization.slug,
        "category": other.category,
    }[name]
    response = client.get("/contributions/", {name: value})
    # Grouped, the list would show the lead's card only, or none when the filter drops it.
    assert "Other copy" in card_titles(response)


def test_a_filter_lists_every_member_it_keeps(client, hearing):
    """A filter may keep members and not their lead: it lists each on its own card."""
    member("c1", 0, hearing=hearing, title="Union copy", category=StakeholderCategory.TRADE_UNION)
    member("c1", 1, hearing=hearing, title="Civil copy")
    member("c1", 2, hearing=hearing, title="Other civil copy")
    response = client.get(on_hearing(hearing, "&category=civil_society"))
    assert card_titles(response) == ["Other civil copy", "Civil copy"]
    assert "<details" not in response.content.decode()


def test_search_results_list_every_match_and_say_so(client, hearing):
    for n in range(3):
        member("c1", n, hearing=hearing, title=f"Pathways copy {n}")
    response = client.get("/contributions/?q=pathways")
    assert sorted(card_titles(response)) == [f"Pathways copy {n}" for n in range(3)]
    assert "<details" not in response.content.decode()
    page = text_of(response)
    assert "Search results list every matching contribution" in page
    assert "Search results list" not in text_of(client.get("/contributions/"))


def test_member_titles_and_authors_are_escaped(client, hearing):
    member("c1", 0, hearing=hearing, title="Leader")
    member("c1", 1, hearing=hearing, title="<script>alert(1)</script>", author_name="<b>Bo</b>")
    content = client.get(on_hearing(hearing)).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;b&gt;Bo&lt;/b&gt;" in content


def test_the_summary_works_without_script_and_is_a_native_disclosure(client, hearing):
    member("c1", 0, hearing=hearing, title="Leader")
    member("c1", 1, hearing=hearing, title="Copy")
    content = client.get(on_hearing(hearing)).content.decode()
    details = re.search(r"<details[^>]*>\s*<summary>([^<]+)</summary>", content)
    assert details.group(1) == "and 1 similar contribution"
    assert "open" not in re.search(r"<details[^>]*>", content).group(0)


@pytest.mark.parametrize("campaigns", [1, 40])
def test_the_list_runs_a_fixed_number_of_queries_whatever_the_campaigns(
    client, django_assert_num_queries, hearing, campaigns
):
    organization = OrganizationFactory()
    for n in range(campaigns):
        for copy in range(CAMPAIGN_MEMBERS_SHOWN + 2 if n < 2 else 3):
            member(f"c{n}", n * 50 + copy, hearing=hearing, organization=organization)
    member("alone", 0, hearing=hearing, organization=organization)
    # 1 count (each group once), 2 the page with hearings and organizations, 3 the other
    # members of the page's groups with their groups' sizes, 4 hearings and 5 the hearing's
    # segments for the filters
    with django_assert_num_queries(5):
        response = client.get(on_hearing(hearing))
    assert response.content.decode().count(CARD) == min(campaigns + 1, PAGE_SIZE)
    assert response.content.decode().count("<details") == min(campaigns, PAGE_SIZE)
    # across hearings: the same, without the segments
    with django_assert_num_queries(4):
        response = client.get("/contributions/")
    assert response.content.decode().count("<details") == min(campaigns, PAGE_SIZE)


@override_settings(PAGE_CACHE_SECONDS=300)
def test_the_cached_list_follows_a_member_published_and_a_regroup(client, editor, hearing):
    member("c1", 0, hearing=hearing, title="Leader", body="Stop child detention now.")
    pending = member("c1", 0, ContributionStatus.SUBMITTED, hearing=hearing, title="Pending")
    assert client.get(on_hearing(hearing))["X-Page-Cache"] == "miss"
    assert client.get(on_hearing(hearing))["X-Page-Cache"] == "hit"
    moderate_contribution(pending, ContributionStatus.PUBLISHED, by=editor)
    response = client.get(on_hearing(hearing))
    assert response["X-Page-Cache"] == "miss"
    assert member_titles(response) == [["Pending"]]
    # the regroup finds the texts different: each is its own group again
    call_command("regroup_campaigns", stdout=io.StringIO())
    response = client.get(on_hearing(hearing))
    assert response["X-Page-Cache"] == "miss"
    assert member_titles(response) == []


# The API -------------------------------------------------------------------------------------


def test_the_api_gives_each_contribution_its_group_and_published_size(client, hearing):
    leader = member("c1", 0, hearing=hearing)
    copy = member("c1", 1, hearing=hearing)
    member("c1", 2, ContributionStatus.SUBMITTED, hearing=hearing)
    alone = member("c2", 3, hearing=hearing)
    rows = client.get("/api/v1/contributions/").json()["results"]
    assert {row["reference"]: (row["campaign"], row["campaign_size"]) for row in rows} == {
        leader.reference: ("c1", 2),
        copy.reference: ("c1", 2),
        alone.reference: ("c2", 1),
    }
    detail = client.get(f"/api/v1/contributions/{copy.reference}/").json()
    assert (detail["campaign"], detail["campaign_size"]) == ("c1", 2)


def test_the_api_lists_the_published_members_of_a_group(client, hearing):
    leader = member("c1", 0, hearing=hearing)
    copy = member("c1", 1, hearing=hearing)
    member("c1", 2, ContributionStatus.REJECTED, hearing=hearing)
    member("c2", 3, hearing=hearing)
    body = client.get("/api/v1/contributions/?campaign=c1").json()
    assert body["count"] == 2
    assert sorted(row["reference"] for row in body["results"]) == sorted(
        [leader.reference, copy.reference]
    )
    assert client.get("/api/v1/contributions/?campaign=nothing").json()["count"] == 0


def test_staff_read_the_published_size_of_an_unpublished_contributions_group(
    client, editor, viewer, hearing, django_capture_on_commit_callbacks
):
    member("c1", 0, hearing=hearing)
    pending = member("c1", 0, ContributionStatus.SUBMITTED, hearing=hearing)
    client.force_login(viewer)
    row = client.get(f"/api/v1/contributions/{pending.reference}/").json()
    assert (row["campaign"], row["campaign_size"]) == ("c1", 1)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        moderated = client.post(
            f"/api/v1/contributions/{pending.reference}/moderate/",
            {"status": "published"},
            content_type="application/json",
        ).json()
    assert (moderated["status"], moderated["campaign_size"]) == ("published", 2)


@pytest.mark.parametrize("campaigns", [1, 60])
def test_the_api_list_runs_a_fixed_number_of_queries(client, hearing, campaigns):
    organization = OrganizationFactory()
    for n in range(campaigns):
        for copy in range(3):
            member(f"c{n}", n * 10 + copy, hearing=hearing, organization=organization)
    # 1 count, 2 the page with hearing and organization, 3 the sizes of its campaign groups
    with data_queries(3):
        body = client.get("/api/v1/contributions/?page_size=100").json()
    assert body["count"] == campaigns * 3
    assert {row["campaign_size"] for row in body["results"]} == {3}


def test_the_schema_documents_the_group_and_its_filter(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    fields = schema["components"]["schemas"]["Contribution"]["properties"]
    assert fields["campaign_size"]["type"] == "integer"
    assert fields["campaign_size"]["readOnly"] is True
    assert "published" in fields["campaign_size"]["description"]
    assert "campaign group" in fields["campaign"]["description"]
    listing = schema["paths"]["/api/v1/contributions/"]["get"]
    assert "campaign" in {parameter["name"] for parameter in listing["parameters"]}
