from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


class LabelledChanges(HistoricalRecordContextHelper):
    """A version's changes with the labels of chosen values ("Waitlisted"), not stored codes."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        field = getattr(field, "output_field", None) or field
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, from each record's "History" page. django-simple-history's
    form for an old version saves on POST with only the view permission checked: here saving it
    needs the change permission, and no revert where the admin disables it."""

    class Media:
        css = {"all": ["css/admin-backoffice.css"]}
        js = ["js/admin-time.js"]

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledChanges(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and (
            self.revert_disabled(request) or not self.has_change_permission(request)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def staff_member(field_name, description):
    """A read-only display of the staff account in `field_name`, by name. The admin would link it
    to the account's page, which neither role may open (403)."""

    @admin.display(description=description)
    def shown(modeladmin, obj):
        user = getattr(obj, field_name, None)
        if user is None:
            return modeladmin.get_empty_value_display()
        return user.get_full_name() or user.get_username()

    return shown


def zoned(moment):
    """A date-time as the back office shows it: to the minute, in the server's time zone, named."""
    return date_format(timezone.localtime(moment), "j M Y, H:i T")
