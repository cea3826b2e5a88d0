"""The activity log and the email queue: read only, since only the services write them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consultations.models import OutgoingEmail, StatusChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "record", "previous_status", "new_status", "changed_by"]
    list_filter = ["new_status"]
    list_select_related = [
        "registration__hearing__process",
        "contribution",
        "hearing",
        "outcome",
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

    @admin.display(description=_("record"))
    def record(self, change):
        return change.record


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
