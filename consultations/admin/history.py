from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what and when, from each record's "History" page. django-simple-history's
    form for an old version saves on POST with only the view permission checked: here saving it
    needs the change permission, and no revert where the admin disables it."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and (
            self.revert_disabled(request) or not self.has_change_permission(request)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
