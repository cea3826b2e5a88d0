"""The register of organizations through the API. People are served by the app that records
what they did, since who may see a person depends on it."""

from rest_framework import viewsets

from stakeholders.api.serializers import OrganizationSerializer
from stakeholders.filters import OrganizationFilterSet
from stakeholders.models import Organization


class OrganizationViewSet(viewsets.ModelViewSet):
    """The register of organizations and Member States."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    lookup_field = "slug"
    ordering_fields = ["name", "category", "country", "region"]
    ordering = ["name"]
