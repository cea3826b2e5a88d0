"""Shared by the registration and contribution lists: actions that call a service for each
selected record and report every refusal as a sentence, the spreadsheet exports, and adding a
record through its submit service."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consultations.exports import export


def refusal_sentence(error):
    return " ".join(error.messages)


def apply_to_each(modeladmin, request, queryset, decide, done_message):
    """Run `decide(record)` for each selected record, each in its own transaction, so one refusal
    changes nothing of that record and does not undo the others. Success is counted in one
    message; each refusal gets its own, naming the record."""
    done = 0
    for record in queryset:
        try:
            with transaction.atomic():
                decide(record)
        except ValidationError as error:
            modeladmin.message_user(
                request,
                _("%(record)s: %(reason)s") % {"record": record, "reason": refusal_sentence(error)},
                messages.ERROR,
            )
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    return done


def counted(singular, plural):
    return lambda count: ngettext(singular, plural, count) % {"count": count}


class ExportActionsMixin:
    """CSV and XLSX of the selected rows; "select all" across pages exports the current filter.
    The list also carries one "Export" button: the spreadsheet of what the list shows now, its
    filters, search and order, every page of it."""

    export_kind = None
    change_list_template = "admin/consultations/export_change_list.html"

    def export_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_export"

    def get_urls(self):
        return [
            path(
                "export.xlsx",
                self.admin_site.admin_view(self.export_view),
                name=self.export_url_name(),
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the list itself answers a filter it does not know: the list, unfiltered.
            return redirect(
                f"{reverse(f'admin:{self.opts.app_label}_{self.opts.model_name}_changelist')}?e=1"
            )
        return export(self.export_kind, "xlsx", changelist.get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        export_url = reverse(f"admin:{self.export_url_name()}")
        query = request.GET.urlencode()
        extra_context = {
            **(extra_context or {}),
            "export_url": f"{export_url}?{query}" if query else export_url,
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description=gettext_lazy("Export as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return export(self.export_kind, "csv", queryset)

    @admin.action(description=gettext_lazy("Export as XLSX (Excel)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return export(self.export_kind, "xlsx", queryset)


class AddedThroughServiceMixin:
    """For a record whose add form hands it to a submit service, which may store nothing (the
    address is already registered, the text was just sent): no related rows or "added" log entry
    for a record that was not stored."""

    def save_related(self, request, form, formsets, change):
        if form.instance.pk is not None:
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None
