"""The moderation queue by campaign group: each group of two or more contributions awaiting
review is shown once, with its count, its representative text (its earliest member, read in
full) and, for each other text in the group, only the sentences it changes. One action decides
the whole group, through the contribution list's confirmation page and `moderate_campaign`;
each member still has its own record page to be decided alone.

Four queries whatever the number of groups, members and variants: the groups are counted, one
page of them is read, their texts are counted by fingerprint, and the texts shown are read."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from consultations.admin.decisions import confirmation_url
from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.sentence_diff import VariantDiff, diff_sentences

GROUPS_PER_PAGE = 10
# Past this many other texts in one group, the rest are counted and reached through the list.
VARIANTS_SHOWN = 10
SHOWN_FIELDS = [
    "pk",
    "reference",
    "title",
    "body",
    "author_name",
    "organization_name",
    "organization__name",
    "hearing__title",
    "hearing_id",
    "campaign",
    "fingerprint",
]


@dataclass
class Variant:
    """One text of a group: its first sender, how many sent it, and (but for the
    representative) what it changes in the representative text."""

    contribution: Contribution
    copies: int
    diff: VariantDiff | None = None


@dataclass
class CampaignGroup:
    """`decisions` are (label, confirmation page) pairs, for staff who may decide."""

    hearing_id: int
    campaign: str
    size: int
    first_pk: int
    representative: Variant | None = None
    variants: list[Variant] = field(default_factory=list)
    more_variants: int = 0
    decisions: list[tuple[str, str]] = field(default_factory=list)
    list_url: str = ""


def awaiting_groups(hearing=None, campaign=None):
    """One row per campaign group with two or more members awaiting review: its hearing, its
    campaign, its size and its earliest member (arrival order is primary-key order, as
    `campaigns.regroup` reads it), oldest group first. Served by the campaign index."""
    members = Contribution.objects.filter(status__in=ContributionStatus.awaiting_review())
    if hearing is not None:
        members = members.filter(hearing_id=hearing)
    if campaign:
        members = members.filter(campaign=campaign)
    return (
        members.order_by()
        .values("hearing_id", "campaign")
        .annotate(size=Count("pk"), first_pk=Min("pk"))
        .filter(size__gte=2)
        .order_by("first_pk")
    )


def texts_of(groups):
    """For the groups of one page, one row per distinct text (fingerprint) awaiting review: how
    many members sent it and which sent it first."""
    return (
        Contribution.objects.filter(
            reduce(or_, (Q(hearing_id=g.hearing_id, campaign=g.campaign) for g in groups)),
            status__in=ContributionStatus.awaiting_review(),
        )
        .order_by()
        .values("hearing_id", "campaign", "fingerprint")
        .annotate(copies=Count("pk"), first_pk=Min("pk"))
        .order_by("first_pk")
    )


def build_groups(rows):
    """The page's groups with their representative and the variants shown, each variant's
    differing sentences computed against the representative."""
    groups = [CampaignGroup(**row) for row in rows]
    if not groups:
        return groups
    texts = defaultdict(list)
    for text in texts_of(groups):
        texts[(text["hearing_id"], text["campaign"])].append(text)
    chosen = []
    for group in groups:
        group_texts = texts[(group.hearing_id, group.campaign)]
        first = next(t for t in group_texts if t["first_pk"] == group.first_pk)
        others = [t for t in group_texts if t is not first]
        group.more_variants = max(0, len(others) - VARIANTS_SHOWN)
        chosen.append((group, first, others[:VARIANTS_SHOWN]))
    shown_pks = {t["first_pk"] for _group, first, others in chosen for t in [first, *others]}
    shown = Contribution.objects.select_related("hearing", "organization").only(*SHOWN_FIELDS)
    contributions = shown.in_bulk(shown_pks)
    for group, first, others in chosen:
        representative = contributions[first["first_pk"]]
        group.representative = Variant(representative, first["copies"])
        group.variants = [
            Variant(
                contributions[t["first_pk"]],
                t["copies"],
                diff_sentences(representative.body, contributions[t["first_pk"]].body),
            )
            for t in others
        ]
    return groups


class GroupFilterForm(forms.Form):
    """The grouped queue narrowed to one hearing or one group (from the list's group column)."""

    hearing = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    campaign = forms.CharField(max_length=32, required=False)


def page_url(request, number):
    return "?" + urlencode({**request.GET.dict(), "page": number})


class CampaignGroupsMixin:
    """For the contribution admin: the grouped queue at `campaigns/`, for staff who may view
    contributions; the decisions for those who may change them."""

    campaign_groups_template = "admin/consultations/contribution/campaign_groups.html"

    def get_urls(self):
        return [
            path(
                "campaigns/",
                self.admin_site.admin_view(self.campaign_groups_view),
                name="consultations_contribution_campaigns",
            ),
            *super().get_urls(),
        ]

    def campaign_groups_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        narrowed = GroupFilterForm(request.GET)
        if narrowed.is_valid():
            rows = awaiting_groups(**narrowed.cleaned_data)
        else:
            rows = Contribution.objects.none()
        page = Paginator(rows, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        groups = build_groups(page.object_list)
        may_decide = self.has_change_permission(request)
        here = request.get_full_path()
        changelist = reverse("admin:consultations_contribution_changelist")
        for group in groups:
            group.list_url = "{}?{}".format(
                changelist,
                urlencode({"campaign": group.campaign, "hearing__id__exact": group.hearing_id}),
            )
            if may_decide:
                representative = [group.representative.contribution]
                group.decisions = [
                    (label, confirmation_url(self, action, representative, back=here))
                    for action, label in [
                        ("publish_campaign", _("Publish the whole group…")),
                        (
                            "reject_campaign_with_reason",
                            _("Reject the whole group, with a reason…"),
                        ),
                    ]
                ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Campaign groups awaiting review"),
            "opts": self.opts,
            "page": page,
            "groups": groups,
            "narrowed": any(request.GET.get(name) for name in GroupFilterForm.base_fields),
            "changelist_url": changelist,
            "previous_url": page_url(request, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": page_url(request, page.next_page_number()) if page.has_next() else "",
        }
        return TemplateResponse(request, self.campaign_groups_template, context)
