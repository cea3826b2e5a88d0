"""The secretariat's back office: hearings and their programme, vetting registrations and the
moderation queue. The index page is a dashboard of the hearings that are coming or open
(`templates/admin/index.html`)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consultations.admin import activity, contributions, floor, programme, registrations

admin.site.site_header = _("Consultation hearings: back office")
admin.site.site_title = _("Consultation hearings")
admin.site.index_title = _("Secretariat dashboard")

__all__ = ["activity", "contributions", "floor", "programme", "registrations"]
