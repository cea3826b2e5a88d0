"""The moderation queue by campaign group: each group awaiting review shown once, with its count,
its representative text and what each variant changes; one decision for the whole group through
the confirmation page; a member still decided on its own; viewers read and decide nothing."""

import itertools

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.http import urlencode

from consultations.admin.campaign_groups import GROUPS_PER_PAGE, VARIANTS_SHOWN
from consultations.models import Contribution, StatusChange
from consultations.tests.factories import ContributionFactory, HearingFactory

pytestmark = pytest.mark.django_db

GROUPS = reverse("admin:consultations_contribution_campaigns")
CONTRIBUTIONS = reverse("admin:consultations_contribution_changelist")
# The request's savepoint and its release, session, user, the user's and the groups' permissions;
# then the campaign groups counted, one page of them, their texts counted, the texts shown.
GROUPS_PAGE_QUERIES = 10

TOPICS = itertools.count(1)
TEXT = (
    "We call on States to open regular pathways. Detention of children must end!\n\n"
    "Access to justice is a right."
)


def change_page(contribution):
    return reverse("admin:consultations_contribution_change", args=[contribution.pk])


def member(first, body=TEXT, **fields):
    """A contribution that `campaigns.join_campaign` put in the group of `first`."""
    return ContributionFactory(hearing=first.hearing, body=body, campaign=first.campaign, **fields)


def make_group(hearing=None, variants=2, copies=1):
    """A group with its own text: `copies` exact copies and `variants` signed variants."""
    text = f"Campaign {next(TOPICS)}. {TEXT}"
    first = ContributionFactory(hearing=hearing or HearingFactory(), body=text)
    for _ in range(copies):
        member(first, text)
    for number in range(variants):
        member(first, text + f"\n\nSigned: supporter {number}")
    return first


def shown(response):
    return [g.representative.contribution for g in response.context["groups"]]


def statuses(records):
    stored = dict(Contribution.objects.values_list("pk", "status"))
    return [stored[r.pk] for r in records]


def test_a_group_shows_once_with_its_count_its_text_and_each_variant_s_differences(client, editor):
    hearing = HearingFactory(title="Geneva hearing")
    first = ContributionFactory(hearing=hearing, body=TEXT, author_name="First author")
    same = member(first, TEXT.upper())
    signed = member(first, TEXT + "\n\nSigned: María Quispe, Lima")
    # Case and punctuation aside the same text (the same fingerprint): a copy, not a variant.
    comma = member(first, TEXT.replace("We call on", "We call, on"))
    changed = member(first, TEXT.replace("must end!", "must end now!"))
    hostile = member(first, TEXT + " <script>alert(1)</script>")
    published = member(first, TEXT + " Already read.")
    Contribution.objects.filter(pk=published.pk).update(
        status="published", published_at="2030-01-01T00:00Z", public=True
    )
    ContributionFactory(hearing=hearing, body="My own words, alone.")
    lonely = ContributionFactory(hearing=hearing, body="A group of one left.")
    Contribution.objects.filter(pk=member(lonely, "A group of one.").pk).update(
        status="rejected", public=False
    )
    client.force_login(editor)
    response = client.get(GROUPS)
    content = response.content.decode()
    assert shown(response) == [first]
    (group,) = response.context["groups"]
    assert (group.size, group.representative.copies) == (6, 3)
    assert [v.contribution for v in group.variants] == [signed, changed, hostile]
    assert "6 contributions awaiting review, to Geneva hearing" in content
    assert "3 contributions sent this text." in content
    assert content.count("Detention of children must end!") == 1
    assert content.count("Access to justice is a right.") == 1
    assert "<mark>Signed: María Quispe, Lima</mark>" in content
    assert "<mark>Detention of children must end now!</mark>" in content
    assert "We call, on" not in content
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in content
    assert "<script>alert(1)" not in content
    assert "Already read." not in content
    assert "A group of one" not in content
    for record in [first, signed, changed, hostile]:
        assert f'<a href="{change_page(record)}">{record.reference}</a>' in content
    assert change_page(same) not in content
    assert change_page(comma) not in content
    every_member = f"{CONTRIBUTIONS}?" + urlencode(
        {"campaign": first.campaign, "hearing__id__exact": hearing.pk}
    )
    assert f'<a href="{every_member.replace("&", "&amp;")}">' in content
    assert [m.pk for m in client.get(every_member).context["cl"].result_list] == [
        r.pk for r in [first, same, signed, comma, changed, hostile]
    ]


def test_a_variant_that_drops_or_reorders_sentences_says_so(client, editor):
    first = ContributionFactory(body=TEXT)
    member(first, "Access to justice is a right.\n" + TEXT.split("\n\n")[0])
    member(first, TEXT.replace(" Detention of children must end!", ""))
    client.force_login(editor)
    content = client.get(GROUPS).content.decode()
    assert "The same sentences as the representative text, in another order." in content
    assert "Leaves out 1 sentence of the representative text." in content
    assert "<mark>" not in content


def test_past_the_variants_shown_the_rest_are_counted(client, editor):
    make_group(variants=VARIANTS_SHOWN + 3)
    client.force_login(editor)
    response = client.get(GROUPS)
    (group,) = response.context["groups"]
    assert (len(group.variants), group.more_variants) == (VARIANTS_SHOWN, 3)
    assert "And 3 other texts, not shown here." in response.content.decode()


@pytest.mark.parametrize("groups", [2, 20])
def test_the_grouped_queue_costs_the_same_whatever_its_groups_and_members(
    client, editor, django_assert_max_num_queries, groups
):
    hearing = HearingFactory()
    for number in range(groups):
        make_group(hearing, variants=number % 4 + 1, copies=number % 3)
    client.force_login(editor)
    with django_assert_max_num_queries(GROUPS_PAGE_QUERIES):
        response = client.get(GROUPS)
    assert len(response.context["groups"]) == min(groups, GROUPS_PER_PAGE)
    with django_assert_max_num_queries(GROUPS_PAGE_QUERIES):
        last = client.get(GROUPS, {"page": "last"})
    assert len(last.context["groups"]) == groups - GROUPS_PER_PAGE * (groups > GROUPS_PER_PAGE)


def test_groups_are_paginated_oldest_first(client, editor):
    firsts = [make_group(variants=1) for _ in range(GROUPS_PER_PAGE + 2)]
    client.force_login(editor)
    page_one = client.get(GROUPS)
    assert shown(page_one) == firsts[:GROUPS_PER_PAGE]
    assert "Page 1 of 2" in page_one.content.decode()
    assert page_one.context["next_url"] == "?page=2"
    page_two = client.get(GROUPS + page_one.context["next_url"])
    assert shown(page_two) == firsts[GROUPS_PER_PAGE:]
    assert shown(client.get(GROUPS, {"page": "nonsense"})) == firsts[:GROUPS_PER_PAGE]


def test_the_group_column_and_the_list_lead_to_one_group(client, editor):
    first = make_group(variants=1)
    other = make_group(hearing=first.hearing, variants=1)
    client.force_login(editor)
    content = client.get(CONTRIBUTIONS).content.decode()
    assert f'<a href="{GROUPS}" class="campaigns-link">Campaign groups</a>' in content
    one_group = f"{GROUPS}?" + urlencode({"hearing": first.hearing_id, "campaign": first.campaign})
    assert f'<a href="{one_group.replace("&", "&amp;")}">compare</a>' in content
    assert shown(client.get(one_group)) == [first]
    assert shown(client.get(GROUPS, {"hearing": first.hearing_id})) == [first, other]


@pytest.mark.parametrize(
    "query", [{"hearing": "abc"}, {"hearing": "9" * 30}, {"hearing": "²"}, {"campaign": "x" * 99}]
)
def test_a_filter_that_makes_no_sense_shows_no_group_and_no_error(client, editor, query):
    make_group()
    client.force_login(editor)
    response = client.get(GROUPS, query)
    assert response.status_code == 200
    assert response.context["groups"] == []
    assert "No campaign group awaits review." in response.content.decode()


def decide_the_group(client, decision, **fields):
    """Follow a group's button to the confirmation page, and confirm there as a browser would."""
    (group,) = client.get(GROUPS).context["groups"]
    url = dict(group.decisions)[decision]
    asked = client.get(url)
    data = {
        "action": asked.context["action"],
        "_selected_action": [r.pk for r in asked.context["records"]],
        "index": "0",
        "next": asked.context["back"],
        "apply": "1",
        **fields,
    }
    return asked, client.post(asked.context["changelist_url"], data)


def test_one_decision_publishes_every_pending_member_and_leaves_the_decided_alone(
    client, editor, django_capture_on_commit_callbacks
):
    first = make_group(variants=2, copies=1)
    pending = list(Contribution.objects.filter(campaign=first.campaign).order_by("pk"))
    rejected = member(first, TEXT + " Rejected before.")
    Contribution.objects.filter(pk=rejected.pk).update(status="rejected", public=False)
    alone = ContributionFactory(hearing=first.hearing, body="Alone.")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        asked, done = decide_the_group(client, "Publish the whole group…")
    assert asked.templates[0].name == "admin/consultations/confirm_decision.html"
    assert asked.context["count"] == 4
    assert asked.context["listed"] == pending
    assert "<strong>4 records</strong>" in asked.content.decode()
    assert done.status_code == 302
    assert done.url == GROUPS
    assert statuses(pending) == ["published"] * 4
    assert statuses([rejected, alone]) == ["rejected", "submitted"]
    changes = StatusChange.objects.filter(contribution__in=pending)
    assert sorted(changes.values_list("contribution_id", "new_status", "changed_by")) == [
        (c.pk, "published", editor.pk) for c in pending
    ]
    assert not StatusChange.objects.filter(contribution__in=[rejected, alone]).exists()
    assert len(mail.outbox) == 4
    assert client.get(GROUPS).context["groups"] == []


def test_rejecting_a_group_needs_a_reason_and_sends_it_to_each_author(client, editor):
    first = make_group(variants=1, copies=1)
    members = list(Contribution.objects.filter(campaign=first.campaign))
    client.force_login(editor)
    _asked, refused = decide_the_group(client, "Reject the whole group, with a reason…")
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert statuses(members) == ["submitted"] * 3
    _asked, done = decide_the_group(
        client, "Reject the whole group, with a reason…", reason="One copy is published."
    )
    assert done.status_code == 302
    assert statuses(members) == ["rejected"] * 3
    assert set(StatusChange.objects.values_list("reason", flat=True)) == {"One copy is published."}


def test_a_member_decided_on_its_own_leaves_the_rest_of_its_group_waiting(client, editor):
    first = make_group(variants=2, copies=0)
    second = (
        Contribution.objects.filter(campaign=first.campaign).exclude(pk=first.pk).order_by("pk")
    ).first()
    client.force_login(editor)
    record = client.get(change_page(first))
    assert [b["action"] for b in record.context["decision_buttons"]] == [
        "publish",
        "reject_with_reason",
    ]
    client.post(
        CONTRIBUTIONS,
        {"action": "publish", "_selected_action": [first.pk], "index": "0", "apply": "1"},
    )
    assert statuses([first]) == ["published"]
    (group,) = client.get(GROUPS).context["groups"]
    assert (group.size, group.representative.contribution) == (2, second)


def test_viewers_read_the_groups_but_decide_nothing(client, viewer):
    first = make_group(variants=1, copies=1)
    members = list(Contribution.objects.filter(campaign=first.campaign))
    client.force_login(viewer)
    page = client.get(GROUPS)
    assert page.status_code == 200
    assert shown(page) == [first]
    assert page.context["groups"][0].decisions == []
    assert "Publish the whole group" not in page.content.decode()
    confirm = reverse("admin:consultations_contribution_confirm", args=["publish_campaign"])
    assert client.get(confirm, {"ids": first.pk}).status_code == 403
    client.post(
        CONTRIBUTIONS,
        {
            "action": "publish_campaign",
            "_selected_action": [first.pk],
            "index": "0",
            "apply": "1",
        },
    )
    assert statuses(members) == ["submitted"] * 3
    assert not StatusChange.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    make_group()
    response = client.get(GROUPS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
