"""Moderation that keeps the author's words: on a contribution's page the text is shown first,
as the public page will show it, and is not a form field. A correction has its own page and
needs a reason, which the history keeps (`correct_contribution`). A contribution that belongs
to a campaign group names the others sharing its text, so the text is read once."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consultations.models import Contribution
from consultations.services import campaign_of, correct_contribution

SHOWN_FIRST = ["preview", "campaign_members"]
CAMPAIGN_NAMED_AT_MOST = 50


class CorrectionForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Corrected text"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
        max_length=100000,
        strip=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction, kept in the history"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 90}),
        max_length=2000,
    )


class AuthorWordsMixin:
    """For the contribution admin."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        first = list(SHOWN_FIRST)
        if self.has_change_permission(request, obj):
            first.append("correction")
        hidden = {*SHOWN_FIRST, "correction", "body"}
        return [*first, *(field for field in fields if field not in hidden)]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["body", "campaign_members", "correction"]
        return fields

    @admin.display(description=gettext_lazy("text"))
    def correction(self, contribution):
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:consultations_contribution_correct", args=[contribution.pk]),
            _("Correct the text, with a reason…"),
        )

    @admin.display(description=gettext_lazy("campaign group"))
    def campaign_members(self, contribution):
        """The others awaiting review with the same text, so it is read once, here."""
        others = list(
            campaign_of(contribution)
            .exclude(pk=contribution.pk)
            .select_related("organization")
            .order_by("submitted_at", "pk")[:CAMPAIGN_NAMED_AT_MOST]
        )
        if not others:
            return self.get_empty_value_display()
        total = len(others)
        if total == CAMPAIGN_NAMED_AT_MOST:
            total = campaign_of(contribution).exclude(pk=contribution.pk).count()
        intro = ngettext(
            "The same text was sent by %(count)d other contribution awaiting review:",
            "The same text was sent by %(count)d other contributions awaiting review:",
            total,
        ) % {"count": total}
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a>: {}, {}</li>',
            (
                (
                    reverse("admin:consultations_contribution_change", args=[other.pk]),
                    other.reference,
                    other.author_name,
                    other.organization.name if other.organization else other.organization_name,
                )
                for other in others
            ),
        )
        return format_html('<p>{}</p><ul class="campaign-members">{}</ul>', intro, rows)

    def get_urls(self):
        return [
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correction_view),
                name="consultations_contribution_correct",
            ),
            *super().get_urls(),
        ]

    def correction_view(self, request, pk):
        contribution = get_object_or_404(Contribution.objects.select_related("hearing"), pk=pk)
        if not self.has_change_permission(request, contribution):
            raise PermissionDenied
        page = reverse("admin:consultations_contribution_change", args=[contribution.pk])
        if request.method == "POST":
            form = CorrectionForm(request.POST)
            if form.is_valid():
                try:
                    correct_contribution(
                        contribution,
                        form.cleaned_data["body"],
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("The text of %(reference)s is corrected; the history keeps the reason.")
                        % {"reference": contribution.reference},
                        messages.SUCCESS,
                    )
                    return redirect(page)
        else:
            form = CorrectionForm(initial={"body": contribution.body})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Correct the text of %(reference)s") % {"reference": contribution.reference},
            "opts": self.opts,
            "original": contribution,
            "form": form,
            "change_page": page,
        }
        return TemplateResponse(
            request, "admin/consultations/contribution/correct_text.html", context
        )
