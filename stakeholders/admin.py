from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from stakeholders.enums import Region
from stakeholders.models import Organization, Person


class RegionFilter(admin.SimpleListFilter):
    """The M49 regions by name; the region column itself is computed by the database."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [*Region.choices, ("none", _("No country given"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(region="")
        if self.value() in Region.values:
            return queryset.filter(region=self.value())
        return queryset


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "category",
        "country",
        "region_label",
        "consultative_status",
        "people_count",
    ]
    list_filter = ["category", RegionFilter, "consultative_status"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["region_label"]
    # A website typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description=_("people"), ordering="people_count")
    def people_count(self, organization):
        return organization.people_count

    @admin.display(description=_("region"), ordering="region")
    def region_label(self, organization):
        return organization.region_label


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "honorific", "position", "organization"]
    list_select_related = ["organization"]
    list_filter = ["organization__category"]
    search_fields = [
        "name",
        "slug",
        "position",
        "organization__name",
        "organization__acronym",
    ]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["name"]}
