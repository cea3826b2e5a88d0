"""Shared by the registration and contribution lists: every decision is asked on a confirmation
page (the count, the records, a reason) before a service makes it for each selected record;
refusals are summed up in one message per reason; the spreadsheet exports; adding a record
through its submit service; and deleting, which only superusers may."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consultations.exports import export
from consultations.models import OutgoingEmail
from consultations.notifications import send_now


def refusal_sentence(error):
    return " ".join(error.messages)


def refusal_code(error):
    return next((e.code for e in error.error_list if e.code), None) or refusal_sentence(error)


def apply_to_each(modeladmin, request, queryset, decide, done_message, remedies=None):
    """Run `decide(record)` for each selected record, each in its own savepoint (within the
    request's transaction), so one refusal changes nothing of that record and does not undo the
    others. Success is counted in one message, and the refusals in one message per reason with
    the records it held back; `remedies` maps a refusal's code to `(action, label(count))`, a
    button asking the next step for those records on its confirmation page (putting them on the
    waiting list when the hearing is full)."""
    done = 0
    refused = {}
    for record in queryset:
        try:
            with transaction.atomic():
                decide(record)
        except ValidationError as error:
            sentence, held_back = refused.setdefault(
                refusal_code(error), (refusal_sentence(error), [])
            )
            held_back.append(record)
        else:
            done += 1
    for code, (sentence, held_back) in refused.items():
        modeladmin.message_user(
            request,
            refusal_message(modeladmin, request, sentence, held_back, (remedies or {}).get(code)),
            messages.ERROR,
        )
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    return done


def refusal_message(modeladmin, request, sentence, held_back, remedy):
    if len(held_back) == 1:
        text = _("%(record)s: %(reason)s") % {"record": held_back[0], "reason": sentence}
    else:
        text = ngettext(
            "%(count)d record held back: %(reason)s (%(records)s)",
            "%(count)d records held back: %(reason)s (%(records)s)",
            len(held_back),
        ) % {
            "count": len(held_back),
            "reason": sentence,
            "records": "; ".join(map(str, held_back)),
        }
    if remedy is None:
        return text
    action, label = remedy
    return format_html("{} {}", text, remedy_form(modeladmin, request, action, held_back, label))


def remedy_form(modeladmin, request, action, records, label):
    """A button posting `records` to the list's `action`, which answers with that action's
    confirmation page, as when staff select them in the list. The message is shown on the next
    page of the same session, so the form carries this session's CSRF token."""
    return format_html(
        '<form method="post" action="{}" class="remedy-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="action" value="{}">'
        '<input type="hidden" name="index" value="0">{}'
        '<button type="submit" class="button">{}</button></form>',
        modeladmin.list_to_return_to(request),
        get_token(request),
        action,
        format_html_join(
            "",
            '<input type="hidden" name="{}" value="{}">',
            ((helpers.ACTION_CHECKBOX_NAME, record.pk) for record in records),
        ),
        label(len(records)),
    )


def safe_back(request):
    """The page to go back to (`next`), only when it is on this site: the confirmation page
    links to it."""
    back = request.POST.get("next") or request.GET.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return ""


def confirmation_url(modeladmin, action, records, back=None):
    opts = modeladmin.opts
    query = {"ids": ",".join(str(r.pk) for r in records)}
    if back:
        query["next"] = back
    return (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_confirm", args=[action])
        + "?"
        + urlencode(query)
    )


def counted(singular, plural):
    return lambda count: ngettext(singular, plural, count) % {"count": count}


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional), kept in the history and sent to the person"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=20000,
        required=False,
        strip=True,
    )

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].label = gettext_lazy("Reason, sent to the person")


class Decision:
    """A decision as the confirmation page asks it: its title, the sentence above the records,
    the button, whether a reason is required, and `make(request, queryset, reason)`; `name`
    labels it on the record's page (the button's words by default). Where the decision is
    made on other records than those selected, `records(request, queryset)` finds them, and
    `nothing` says why there are none. `affected(queryset)`, for a decision that reaches beyond
    its records (a whole campaign group), returns the records it will change: the page counts
    and lists those."""

    def __init__(
        self,
        title,
        question,
        button,
        make,
        reason_required=False,
        name=None,
        records=None,
        nothing=None,
        affected=None,
    ):
        self.title, self.question, self.button = title, question, button
        self.make, self.reason_required = make, reason_required
        self.name = name or button
        self.records = records or (lambda request, queryset: queryset)
        self.nothing = nothing
        self.affected = affected


# A confirmation page lists at most this many of the records a decision reaches beyond the
# selection, and counts the rest.
AFFECTED_LISTED = 100


class DecisionsMixin:
    """Each action named in `decisions()` asks first: the confirmation page shows the count, the
    records and a reason field, and the decision is made only when "apply" comes back with it.
    The same page is reached by GET from a record's buttons and from a refusal's remedy
    (`…/confirm/<action>/?ids=…`), and posts to the list's action as the list does."""

    decision_template = "admin/consultations/confirm_decision.html"

    def decisions(self):
        return {}

    def get_list_display(self, request):
        """Filtered to one hearing, the list does not repeat that hearing's long title per row."""
        shown = super().get_list_display(request)
        if "hearing__id__exact" in request.GET:
            return [column for column in shown if column != "hearing"]
        return shown

    def confirm(self, request, queryset, action):
        decision = self.decisions()[action]
        queryset = decision.records(request, queryset)
        if "apply" in request.POST:
            form = DecisionForm(request.POST, reason_required=decision.reason_required)
            if form.is_valid():
                decision.make(request, queryset, form.cleaned_data["reason"])
                back = safe_back(request)
                return HttpResponseRedirect(back) if back else None
        else:
            form = DecisionForm(reason_required=decision.reason_required)
        records = list(queryset)
        listed, count = records, len(records)
        if decision.affected is not None and records:
            affected = decision.affected(queryset).order_by(*self.queue_order)
            count = affected.count()
            listed = list(affected[:AFFECTED_LISTED])
        context = {
            **self.admin_site.each_context(request),
            "title": decision.title,
            "question": decision.question,
            "button": decision.button,
            "opts": self.opts,
            "form": form,
            "records": records,
            "listed": listed,
            "unlisted": count - len(listed),
            "count": count,
            "nothing": decision.nothing,
            "action": action,
            "back": safe_back(request),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": self.list_to_return_to(request),
        }
        return TemplateResponse(request, self.decision_template, context)

    # The list's query that shows every record whatever its status, for a list whose default
    # filter is a queue (the contributions awaiting review).
    every_record_query = {}

    def list_to_return_to(self, request):
        """The list the decision was asked from, with its filters, so that the confirmed
        decision lands back on the same queue; from a record's button, the whole list, every
        status shown (a decision on a record the queue hides would otherwise select nothing)."""
        changelist = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        url = reverse(f"admin:{changelist}")
        if request.resolver_match.url_name == changelist:
            return f"{url}?{request.GET.urlencode()}" if request.GET else url
        if self.every_record_query:
            return f"{url}?{urlencode(self.every_record_query)}"
        return url

    @admin.action(
        description=gettext_lazy("Send their held decision emails now"), permissions=["change"]
    )
    def send_held_emails(self, request, queryset):
        """Staff need not wait out `DJANGO_DECISION_EMAIL_DELAY` for a decision they are sure of."""
        about = {f"status_change__{self.opts.model_name}__in": queryset}
        sent = send_now(OutgoingEmail.objects.filter(**about))
        self.message_user(
            request,
            ngettext("%(count)d email sent.", "%(count)d emails sent.", sent) % {"count": sent},
            messages.SUCCESS,
        )

    def confirm_view(self, request, action):
        """The confirmation page by GET, for the records in `ids`; 404 for an unknown action,
        403 without the permission to change."""
        if action not in self.decisions():
            raise Http404
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = [
            part
            for part in request.GET.get("ids", "").split(",")
            if part.isascii() and part.isdigit()
        ]
        queryset = self.get_queryset(request).filter(pk__in=ids)
        return self.confirm(request, queryset, action)

    # On the record's page: the decision buttons, `(action, status it moves to)` in this order,
    # each shown where the record's status allows the move in `moves` (the services' map), and
    # "Next in queue" through `queue(record)` in `queue_order`.
    record_decisions = []
    moves = status_enum = None
    queue_order = ["pk"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        if record is not None:
            extra_context = {
                **(extra_context or {}),
                "decision_buttons": self.decision_buttons(request, record),
                "next_in_queue": self.next_in_queue(record),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def decision_buttons(self, request, record):
        if not self.has_change_permission(request, record):
            return []
        here = request.get_full_path()
        moves = self.moves[self.status_enum(record.status)]
        return [
            {
                "action": action,
                "label": self.decisions()[action].name,
                "url": confirmation_url(self, action, [record], back=here),
            }
            for action, status in self.record_decisions
            if status in moves
        ]

    def next_in_queue(self, record):
        """The record after this one in its hearing's queue, oldest first; after the last, the
        first one left."""
        queue = self.queue(record).exclude(pk=record.pk).order_by(*self.queue_order)
        key, order_field = getattr(record, self.queue_order[0]), self.queue_order[0]
        after = queue.filter(
            Q(**{f"{order_field}__gt": key}) | Q(**{order_field: key, "pk__gt": record.pk})
        )
        following = after.only("pk").first() or queue.only("pk").first()
        if following is None:
            return None
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[following.pk])

    def confirm_urls(self):
        opts = self.opts
        return [
            path(
                "confirm/<str:action>/",
                self.admin_site.admin_view(self.confirm_view),
                name=f"{opts.app_label}_{opts.model_name}_confirm",
            )
        ]


def status_badge(record):
    """The status as a coloured badge (static/css/admin-decisions.css)."""
    return format_html(
        '<span class="status-badge status-{}">{}</span>', record.status, record.get_status_display()
    )


class SuperuserDeletesMixin:
    """Registrations, contributions and their status changes are the audit trail: only a
    superuser deletes them, and "Delete selected" comes last among the actions, never first."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_actions(self, request):
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if delete is not None:
            actions["delete_selected"] = delete
        return actions


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
