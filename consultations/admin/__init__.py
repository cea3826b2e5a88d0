"""The secretariat's back office: hearings and their programme, vetting registrations and the
moderation queue. The index page is a dashboard of the hearings that are coming or open
(`templates/admin/index.html`)."""

from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consultations.admin import activity, contributions, floor, programme, registrations
from consultations.identity import SITE_NAME

admin.site.site_header = format_lazy(_("{site_name}: back office"), site_name=SITE_NAME)
admin.site.site_title = SITE_NAME
admin.site.index_title = _("Secretariat dashboard")

__all__ = ["activity", "contributions", "floor", "programme", "registrations"]
