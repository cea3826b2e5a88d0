"""The moderation queue: contributions awaiting review, oldest first, with mass campaigns shown
as groups; every decision goes through `moderate_contribution` or `moderate_campaign`. A
contribution entered here on its author's behalf goes through `submit_contribution`."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consultations.admin.author_words import AuthorWordsMixin
from consultations.admin.campaign_groups import CampaignGroupsMixin
from consultations.admin.decisions import (
    AddedThroughServiceMixin,
    Decision,
    DecisionsMixin,
    ExportActionsMixin,
    SuperuserDeletesMixin,
    apply_to_each,
    counted,
    refusal_sentence,
    status_badge,
)
from consultations.admin.history import HistoryAdmin, at_the_venue, staff_member
from consultations.admin.widgets import KnownAutocompleteMixin
from consultations.enums import CONTRIBUTION_MOVES, ContributionStatus
from consultations.models import Contribution
from consultations.notifications import site_url
from consultations.services import (
    campaign_members,
    lock_hearings,
    moderate_campaign,
    moderate_contribution,
    submit_contribution,
)
from consultations.submission_views import contribution_status_path
from stakeholders.enums import Region

AWAITING = "awaiting"
EVERY = "all"


class ModerationFilter(admin.SimpleListFilter):
    """By default the list is the queue: what awaits review."""

    title = gettext_lazy("status")
    parameter_name = "moderation"

    def lookups(self, request, model_admin):
        return [(AWAITING, _("Awaiting review")), *ContributionStatus.choices, (EVERY, _("All"))]

    def value(self):
        return super().value() or AWAITING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == AWAITING:
            return queryset.filter(status__in=ContributionStatus.awaiting_review())
        if value in ContributionStatus.values:
            return queryset.filter(status=value)
        return queryset


class CampaignFilter(admin.SimpleListFilter):
    """One campaign group, reached from the group column; hidden otherwise."""

    title = gettext_lazy("campaign group")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        value = request.GET.get(self.parameter_name)
        return [(value, _("This group"))] if value else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(campaign=self.value())
        return queryset


def attach_campaign_sizes(contributions):
    """Sets `campaign_size` on each contribution of a page: how many contributions of its
    campaign group (same hearing, same or nearly the same text) await review. One grouped count
    for the whole page, through the campaign index, each group counted once however many of its
    members the page shows."""
    contributions = list(contributions)
    sizes = {
        (row["hearing_id"], row["campaign"]): row["size"]
        for row in Contribution.objects.filter(
            campaign__in={c.campaign for c in contributions},
            hearing_id__in={c.hearing_id for c in contributions},
            status__in=ContributionStatus.awaiting_review(),
        )
        .order_by()
        .values("hearing_id", "campaign")
        .annotate(size=Count("pk"))
    }
    for contribution in contributions:
        contribution.campaign_size = sizes.get((contribution.hearing_id, contribution.campaign), 0)


@admin.register(Contribution)
class ContributionAdmin(
    SuperuserDeletesMixin,
    DecisionsMixin,
    AuthorWordsMixin,
    CampaignGroupsMixin,
    AddedThroughServiceMixin,
    ExportActionsMixin,
    KnownAutocompleteMixin,
    HistoryAdmin,
):
    export_kind = "contributions"
    # The export button, and the link to the queue by campaign group.
    change_list_template = "admin/consultations/contribution/change_list.html"

    class Media:
        css = {"all": ["css/admin-decisions.css"]}

    moves, status_enum = CONTRIBUTION_MOVES, ContributionStatus
    queue_order = ["submitted_at", "pk"]
    every_record_query = {ModerationFilter.parameter_name: EVERY}
    record_decisions = [
        ("publish", ContributionStatus.PUBLISHED),
        ("reject_with_reason", ContributionStatus.REJECTED),
        ("return_to_review", ContributionStatus.UNDER_REVIEW),
    ]
    list_display = [
        "reference",
        "title",
        "status_shown",
        "organization",
        "category",
        "campaign_group",
        "submitted_at_shown",
        # Last: a hearing's title is long, and the columns decided on come first.
        "hearing",
    ]
    list_filter = [ModerationFilter, CampaignFilter, "category", "language", "hearing"]
    list_select_related = ["hearing", "organization"]
    ordering = ["submitted_at", "pk"]
    search_fields = ["reference", "title", "author_name", "organization__name", "organization_name"]
    autocomplete_fields = ["hearing", "segment", "organization"]
    readonly_fields = [
        "status",
        "reference",
        "region_label",
        "preview",
        "attachment_link",
        "submitted_at_shown",
        "updated_at_shown",
        "published_at_shown",
        "moderated_at_shown",
        "moderated_by_name",
    ]
    exclude = ["attachment", "moderated_by"]
    actions = [
        "publish",
        "reject_with_reason",
        "return_to_review",
        "publish_campaign",
        "reject_campaign_with_reason",
        "send_held_emails",
        "export_csv",
        "export_xlsx",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("hearing", "organization", "segment", "moderated_by")
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_shown(self, contribution):
        return status_badge(contribution)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        attach_campaign_sizes(changelist.result_list)
        return changelist

    @admin.display(description=gettext_lazy("campaign group"))
    def campaign_group(self, contribution):
        size = contribution.campaign_size or 0
        if size < 2:
            return self.get_empty_value_display()
        query = urlencode({"campaign": contribution.campaign})
        compared = urlencode(
            {"hearing": contribution.hearing_id, "campaign": contribution.campaign}
        )
        return format_html(
            '<a href="?{}">{}</a> · <a href="{}?{}">{}</a>',
            query,
            _("%(count)d alike") % {"count": size},
            reverse("admin:consultations_contribution_campaigns"),
            compared,
            _("compare"),
        )

    @admin.display(description=gettext_lazy("preview, as the public page shows it"))
    def preview(self, contribution):
        if not contribution.pk:
            return self.get_empty_value_display()
        return format_html('<div class="contribution-preview">{}</div>', contribution.rendered_body)

    @admin.display(description=gettext_lazy("attachment"))
    def attachment_link(self, contribution):
        if not contribution.pk or not contribution.attachment:
            return _("None")
        try:
            url = reverse("consultations:attachment", args=[contribution.reference])
        except NoReverseMatch:
            url = reverse("admin:consultations_contribution_attachment", args=[contribution.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the attachment"))

    def decision_buttons(self, request, contribution):
        """ "Return to review" takes a decision back: nothing to take back while it awaits one."""
        buttons = super().decision_buttons(request, contribution)
        if contribution.status in ContributionStatus.awaiting_review():
            buttons = [b for b in buttons if b["action"] != "return_to_review"]
        return buttons

    def queue(self, contribution):
        return Contribution.objects.filter(
            hearing_id=contribution.hearing_id, status__in=ContributionStatus.awaiting_review()
        )

    moderated_by_name = staff_member("moderated_by", gettext_lazy("moderated by"))
    submitted_at_shown = at_the_venue(Contribution, "submitted_at")
    updated_at_shown = at_the_venue(Contribution, "updated_at")
    published_at_shown = at_the_venue(Contribution, "published_at")
    moderated_at_shown = at_the_venue(Contribution, "moderated_at")

    @admin.display(description=gettext_lazy("region"))
    def region_label(self, contribution):
        if not contribution.region:
            return self.get_empty_value_display()
        return Region(contribution.region).label

    def revert_disabled(self, request, obj=None):
        """A status moves through the services only, never back to an old version."""
        return True

    def save_model(self, request, obj, form, change):
        """A new contribution is submitted as the public form's are, whatever the window: it
        takes its reference, its status change names the staff member, and the author gets the
        confirmation email with their status link. The same text from the same address a few
        minutes earlier is not stored twice."""
        if change:
            super().save_model(request, obj, form, change)
            return
        stored, created = submit_contribution(
            obj, link=lambda c: site_url(contribution_status_path(c)), by=request.user
        )
        if not created:
            obj.already_submitted = stored

    def response_add(self, request, obj, post_url_continue=None):
        stored = getattr(obj, "already_submitted", None)
        if stored is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _(
                "The same contribution from this address arrived minutes ago as %(reference)s: "
                "nothing was added. Here it is."
            )
            % {"reference": stored.reference},
            messages.WARNING,
        )
        return redirect(reverse("admin:consultations_contribution_change", args=[stored.pk]))

    def get_urls(self):
        return [
            path(
                "<int:pk>/attachment/",
                self.admin_site.admin_view(self.attachment_view),
                name="consultations_contribution_attachment",
            ),
            *self.confirm_urls(),
            *super().get_urls(),
        ]

    def attachment_view(self, request, pk):
        contribution = get_object_or_404(Contribution, pk=pk)
        if not self.has_view_permission(request, contribution):
            raise PermissionDenied
        if not contribution.attachment:
            raise Http404(_("This contribution has no attachment."))
        suffix = contribution.attachment.name.rsplit(".", 1)
        extension = f".{suffix[1]}" if len(suffix) == 2 else ""
        return FileResponse(
            contribution.attachment.open("rb"),
            as_attachment=True,
            filename=f"{contribution.reference}{extension}",
        )

    def moderate(self, request, queryset, status, done_message, reason=""):
        # All their hearings first, in id order (`services.lock_hearings`), before the first
        # contribution: two bulk decisions across the same hearings never deadlock.
        lock_hearings(queryset.values("hearing_id"))
        apply_to_each(
            self,
            request,
            queryset.order_by("submitted_at", "pk"),
            lambda c: moderate_contribution(c, status, by=request.user, reason=reason),
            done_message,
        )

    def decisions(self):
        def making(status, singular, plural):
            return lambda request, queryset, reason: self.moderate(
                request, queryset, status, counted(singular, plural), reason
            )

        def whole_campaigns(status):
            return lambda request, queryset, reason: self.decide_campaign(
                request, queryset, status, reason
            )

        campaign_note = _(
            "Every contribution awaiting review in the campaign groups of these contributions "
            "will be decided with them, and each author told by email."
        )
        return {
            "publish": Decision(
                _("Publish contributions"),
                _("These contributions will be published on the public site:"),
                _("Publish"),
                making(
                    ContributionStatus.PUBLISHED,
                    "%(count)d contribution published.",
                    "%(count)d contributions published.",
                ),
            ),
            "reject_with_reason": Decision(
                _("Reject with a reason"),
                _("These contributions will be rejected, and each author receives the reason:"),
                _("Reject"),
                making(
                    ContributionStatus.REJECTED,
                    "%(count)d contribution rejected.",
                    "%(count)d contributions rejected.",
                ),
                reason_required=True,
            ),
            "return_to_review": Decision(
                _("Return contributions to review"),
                _(
                    "The decision on these contributions will be taken back and they leave the "
                    "public pages: an email not yet sent is cancelled, one already sent is "
                    "followed by an explanation."
                ),
                _("Return to review"),
                making(
                    ContributionStatus.UNDER_REVIEW,
                    "%(count)d contribution returned to review.",
                    "%(count)d contributions returned to review.",
                ),
            ),
            "publish_campaign": Decision(
                _("Publish whole campaign groups"),
                campaign_note,
                _("Publish"),
                whole_campaigns(ContributionStatus.PUBLISHED),
                affected=campaign_members,
            ),
            "reject_campaign_with_reason": Decision(
                _("Reject whole campaign groups with a reason"),
                campaign_note,
                _("Reject"),
                whole_campaigns(ContributionStatus.REJECTED),
                reason_required=True,
                affected=campaign_members,
            ),
        }

    @admin.action(description=gettext_lazy("Publish…"), permissions=["change"])
    def publish(self, request, queryset):
        return self.confirm(request, queryset, "publish")

    @admin.action(description=gettext_lazy("Return to review…"), permissions=["change"])
    def return_to_review(self, request, queryset):
        return self.confirm(request, queryset, "return_to_review")

    @admin.action(description=gettext_lazy("Reject, with a reason…"), permissions=["change"])
    def reject_with_reason(self, request, queryset):
        return self.confirm(request, queryset, "reject_with_reason")

    @admin.action(
        description=gettext_lazy("Publish their whole campaign groups…"), permissions=["change"]
    )
    def publish_campaign(self, request, queryset):
        return self.confirm(request, queryset, "publish_campaign")

    @admin.action(
        description=gettext_lazy("Reject their whole campaign groups, with a reason…"),
        permissions=["change"],
    )
    def reject_campaign_with_reason(self, request, queryset):
        return self.confirm(request, queryset, "reject_campaign_with_reason")

    def decide_campaign(self, request, queryset, status, reason):
        """All or nothing: a refusal in one group leaves every group as it was."""
        try:
            decided = moderate_campaign(queryset, status, by=request.user, reason=reason)
        except ValidationError as error:
            self.message_user(request, refusal_sentence(error), messages.ERROR)
            return
        if not decided:
            self.message_user(
                request, _("Nothing in these campaign groups awaits review."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d contribution decided with its campaign group.",
                "%(count)d contributions decided with their campaign groups.",
                len(decided),
            )
            % {"count": len(decided)},
            messages.SUCCESS,
        )
