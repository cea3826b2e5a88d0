"""`/api/v1/`: the router's viewsets, the token, the open-data zip and the schema with its docs.
Every view here answers conditional GETs: a response carries an ETag (and Django's usual
Last-Modified where set), and a client that sends it back with If-None-Match gets a 304."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.middleware.http import ConditionalGetMiddleware
from django.urls import path
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from consultations.api import views
from consultations.api.check_in import CheckInView
from consultations.api.floor import SpeakersView
from consultations.api.parsers import StrictJSONParser
from consultations.opendata_file import open_data_response
from stakeholders.api.views import OrganizationViewSet

app_name = "api"

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


class OpenDataView(APIView):
    """The whole published record as one zip: every table as JSON and CSV, and a README that
    describes the fields and the licence. Built by `manage.py build_open_data`, served here as
    a file. It is read only, for everyone: it has no queryset for the model permissions of a
    write to check."""

    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A zip of JSON and CSV files with a README."
            ),
            503: OpenApiResponse(description="Not built yet; try again after Retry-After."),
        }
    )
    def get(self, request):
        return open_data_response(request)


class TokenView(ObtainAuthToken):
    """A staff member's token: POST `username` and `password` as JSON, then send
    `Authorization: Token <key>`."""

    # DRF's view names its own parsers, with the plain JSON one: the API's strict one instead.
    parser_classes = (FormParser, MultiPartParser, StrictJSONParser)


router = DefaultRouter()
router.register("processes", views.ProcessViewSet, basename="process")
router.register("hearings", views.HearingViewSet, basename="hearing")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("people", views.PersonViewSet, basename="person")
router.register("contributions", views.ContributionViewSet, basename="contribution")
router.register("registrations", views.RegistrationViewSet, basename="registration")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("open-data/", OpenDataView.as_view(), name="open-data"),
    path("hearings/<slug:slug>/speakers/", SpeakersView.as_view(), name="speakers"),
    path("hearings/<slug:slug>/check-in/", CheckInView.as_view(), name="check-in"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Swagger UI sets inline styles and shows data: images: allowed on this page only.
        csp_update({"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
]
for pattern in router.urls:
    pattern.callback = conditional_get(pattern.callback)
    urlpatterns.append(pattern)
