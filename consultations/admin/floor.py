"""The speakers' lists in the back office: read only, since every move goes through the chair's
console (or the API) and its services. Each list links to its console."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consultations.models import FloorList, SpeakerRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SpeakerRequestInline(admin.TabularInline):
    model = SpeakerRequest
    fields = ["position", "registration", "organization", "category", "state", "seconds_spoken"]
    readonly_fields = fields
    ordering = ["position"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FloorList)
class FloorListAdmin(ReadOnlyAdmin):
    list_display = ["segment", "hearing", "is_open", "ended_at", "console"]
    list_select_related = ["segment__hearing"]
    readonly_fields = ["segment", "is_open", "default_limit_seconds", "ended_at", "console"]
    inlines = [SpeakerRequestInline]

    @admin.display(description=_("hearing"))
    def hearing(self, floor_list):
        return floor_list.segment.hearing

    @admin.display(description=_("chair's console"))
    def console(self, floor_list):
        segment = floor_list.segment
        url = reverse("consultations:floor_console", args=[segment.hearing.slug, segment.order])
        return format_html('<a href="{}">{}</a>', url, _("Run the floor"))


@admin.register(SpeakerRequest)
class SpeakerRequestAdmin(ReadOnlyAdmin):
    list_display = ["registration", "organization", "floor_list", "state", "seconds_spoken"]
    list_filter = ["state"]
    list_select_related = ["registration", "organization", "floor_list__segment"]
    readonly_fields = [
        "floor_list",
        "registration",
        "organization",
        "category",
        "position",
        "state",
        "limit_seconds",
        "requested_at",
        "started_at",
        "seconds_spoken",
        "added_by",
    ]
