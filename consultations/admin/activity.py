"""The activity log and the email queue: read only, since only the services write them."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.admin.decisions import SuperuserDeletesMixin
from consultations.admin.history import venue_zone_of, zoned
from consultations.enums import EmailState
from consultations.models import OutgoingEmail, StatusChange
from consultations.models.activity import STATUSES
from consultations.notifications import send_now, withhold_status_links


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NewStatusFilter(admin.SimpleListFilter):
    """The statuses by their labels; a code shared by two kinds ("published") is one choice."""

    title = _("to")
    parameter_name = "new_status"

    def lookups(self, request, model_admin):
        labels = {}
        for statuses in STATUSES.values():
            for value, label in statuses.choices:
                labels.setdefault(value, label)
        return list(labels.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(new_status=self.value())
        return queryset


@admin.register(StatusChange)
class StatusChangeAdmin(SuperuserDeletesMixin, ReadOnlyAdmin):
    list_display = ["when", "record", "previous_label", "new_label", "made_by", "reason"]
    list_filter = [NewStatusFilter, "through_status_link"]
    list_select_related = [
        "registration__hearing__process",
        "contribution__hearing",
        "hearing",
        "outcome__hearing",
        "changed_by",
    ]
    search_fields = [
        "reason",
        "registration__name",
        "contribution__reference",
        "hearing__title",
        "outcome__title",
    ]
    date_hierarchy = "changed_at"
    fields = [
        "registration",
        "contribution",
        "previous_label",
        "new_label",
        "reason",
        "made_by",
        "through_status_link",
        "when",
    ]

    @admin.display(description=_("when"), ordering="changed_at")
    def when(self, change):
        """In the zone of the record's hearing, as its record page gives its times."""
        return zoned(change.changed_at, venue_zone_of(change))

    @admin.display(description=_("from"), ordering="previous_status")
    def previous_label(self, change):
        return change.previous_status_label or self.get_empty_value_display()

    @admin.display(description=_("to"), ordering="new_status")
    def new_label(self, change):
        return change.new_status_label

    @admin.display(description=_("record"))
    def record(self, change):
        return change.record

    @admin.display(description=_("by"), ordering="changed_by")
    def made_by(self, change):
        return change.made_by()


class EmailStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return EmailState.choices

    def queryset(self, request, queryset):
        if self.value() == EmailState.HELD:
            return queryset.held()
        if self.value() == EmailState.CANCELLED:
            return queryset.cancelled()
        if self.value() == EmailState.PENDING:
            return queryset.to_send()
        if self.value() == EmailState.SENT:
            return queryset.sent()
        if self.value() == EmailState.FAILED:
            return queryset.failed()
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The queue, for editors (viewers do not have it: consultations.roles). The bodies are
    shown with their status links withheld, and cannot be filtered on, which would read a token
    out of the list one character at a time."""

    list_display = [
        "written",
        "to",
        "subject",
        "state",
        "held_until",
        "sent",
        "attempts",
        "last_error",
    ]
    list_filter = [EmailStateFilter]
    actions = ["send_now"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "to",
        "subject",
        "written",
        "state",
        "held_until",
        "cancelled_at",
        "sent",
        "attempts",
        "last_error",
        "text_as_shown",
        "html_as_shown",
    ]
    readonly_fields = fields

    def has_send_permission(self, request):
        return request.user.has_perm("consultations.change_outgoingemail")

    @admin.action(description=_("Send the held emails now"), permissions=["send"])
    def send_now(self, request, queryset):
        sent = send_now(queryset)
        self.message_user(
            request,
            ngettext("%(count)d email sent.", "%(count)d emails sent.", sent) % {"count": sent},
            messages.SUCCESS,
        )

    def lookup_allowed(self, lookup, value, request):
        if lookup.split("__")[0] in {"text", "html"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("written"), ordering="created_at")
    def written(self, email):
        return zoned(email.created_at)

    @admin.display(description=_("sent"), ordering="sent_at")
    def sent(self, email):
        return zoned(email.sent_at) if email.sent_at else self.get_empty_value_display()

    @admin.display(description=_("state"))
    def state(self, email):
        return email.state.label

    @admin.display(description=_("text (status links withheld)"))
    def text_as_shown(self, email):
        return withhold_status_links(email.text)

    @admin.display(description=_("HTML (status links withheld)"))
    def html_as_shown(self, email):
        return withhold_status_links(email.html)
