from django.contrib import admin
from django.db import models
from django.db.models import Count

from stakeholders.models import Organization, Person


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "category",
        "country",
        "region",
        "consultative_status",
        "people_count",
    ]
    list_filter = ["category", "region", "consultative_status"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["region"]
    # A website typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description="people", ordering="people_count")
    def people_count(self, organization):
        return organization.people_count


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
