import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets

from stakeholders.api.serializers import (
    OrganizationSerializer,
    PersonSerializer,
    StaffPersonSerializer,
)
from stakeholders.filters import OrganizationFilterSet
from stakeholders.models import Organization, Person


class OrganizationViewSet(viewsets.ModelViewSet):
    """The register of organizations and Member States."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    lookup_field = "slug"
    search_fields = ["name", "acronym"]
    ordering_fields = ["name", "category", "country", "region"]
    ordering = ["name"]


class PersonFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(
        field_name="organization__slug", label=_("Organization")
    )

    class Meta:
        model = Person
        fields = ["organization"]


class PersonViewSet(viewsets.ModelViewSet):
    """People who had a role in a hearing: names, positions and organizations; emails only for
    staff."""

    queryset = Person.objects.select_related("organization")
    lookup_field = "slug"
    search_fields = ["name", "position", "organization__name"]
    filterset_class = PersonFilterSet
    ordering_fields = ["name"]
    ordering = ["name"]

    def is_staff_reader(self):
        user = self.request.user
        return user.is_staff and user.has_perm("stakeholders.view_person")

    def get_queryset(self):
        """The public sees people with a role at a published hearing; staff see everyone."""
        queryset = super().get_queryset()
        return queryset if self.is_staff_reader() else queryset.public()

    def get_serializer_class(self):
        return StaffPersonSerializer if self.is_staff_reader() else PersonSerializer
