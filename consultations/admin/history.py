from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
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

    def history_view(self, request, object_id, extra_context=None):
        """The history's times in the zone of the record's hearing, as its record page gives
        them."""
        record = self.get_object(request, unquote(object_id))
        if record is None:
            # No such record (or an id that is no number): the admin's own answer, not a 500.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        zone = venue_zone_of(record) or timezone.get_current_timezone()
        with timezone.override(zone):
            response = super().history_view(request, object_id, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        version = str(version_id)
        if self.get_object(request, unquote(object_id)) is None or not (
            version.isascii() and version.isdigit()
        ):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
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


def venue_zone_of(record):
    """The time zone of the hearing a record is or belongs to (through `hearing`, a segment's
    or an outcome's), or None for a record of no hearing."""
    if record is None:
        return None
    if record._meta.model_name == "hearing":
        return record.zone
    for path in ("hearing", "segment", "sub_discussion", "registration", "contribution", "outcome"):
        related = getattr(record, path, None) if hasattr(record, f"{path}_id") else None
        if related is not None:
            return venue_zone_of(related)
    return None


def zoned(moment, zone=None):
    """A date-time as the back office shows it: to the minute, in `zone` (the server's by
    default), named: "11 Oct 2017, 09:12 CEST"."""
    return date_format(timezone.localtime(moment, zone), "j M Y, H:i T")


def at_the_venue(model, field_name):
    """A read-only display of the date-time `field_name` of a hearing's record, in the zone of
    its hearing, as the public pages give the hearing's times; sortable as the field is."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def shown(modeladmin, record):
        moment = getattr(record, field_name)
        if moment is None:
            return modeladmin.get_empty_value_display()
        return zoned(moment, record.hearing.zone if record.hearing_id else None)

    return shown
