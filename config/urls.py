from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from consultations.feeds import hearing_calendar, hearings_calendar
from consultations.process_views import process_calendar
from consultations.sitemaps import SITEMAPS
from consultations.views import robots_txt


@never_cache
@require_safe
@transaction.non_atomic_requests
def healthz(request):
    """The stack's reference point: no database, no template, no session."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # An index of sections, each paged at 50,000 addresses (the protocol's limit per file).
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("api/v1/", include("consultations.api.urls")),
    path("hearings.ics", hearings_calendar, name="hearings-calendar"),
    path("hearings/<slug:slug>.ics", hearing_calendar, name="hearing-calendar"),
    path("processes/<str:code>.ics", process_calendar, name="process-calendar"),
    path("", include("consultations.urls")),
]

handler500 = "config.errors.server_error"
