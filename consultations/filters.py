"""The filters of the public lists, written once for the pages and the API (django-filter).

Values that match nothing give an empty list, never an error page: an unknown hearing slug or a
category that does not exist is a question whose answer is "none"."""

import django_filters
from django.utils.translation import gettext_lazy as _

from consultations.enums import (
    ContributionStatus,
    HearingStatus,
    RegistrationStatus,
    SegmentKind,
    UNLanguage,
)
from consultations.models import Contribution, Hearing, Process, Registration, Segment
from consultations.search import search_contributions
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.filters import LenientChoiceFilter, SearchFilter


class WholeNumberFilter(django_filters.CharFilter):
    """A whole number in the query string (an id, a year): one up to `largest` filters, anything
    else (text, a fraction, 1e300) matches nothing rather than failing."""

    def __init__(self, *args, largest=2**63 - 1, **kwargs):
        self.largest = largest
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        if not value.isdecimal() or not 1 <= int(value) <= self.largest:
            return qs.none()
        return super().filter(qs, int(value))


class ProcessFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=["title", "code"])

    class Meta:
        model = Process
        fields = ["q"]


class HearingFilterSet(django_filters.FilterSet):
    process = django_filters.CharFilter(field_name="process__slug", label=_("Process"))
    year = WholeNumberFilter(field_name="date__year", largest=9999, label=_("Year"))
    status = django_filters.CharFilter(method="filter_status", label=_("Status"))
    q = SearchFilter(fields=["title", "venue", "city", "organizer"])

    class Meta:
        model = Hearing
        fields = ["process", "year", "status", "q"]

    def filter_status(self, queryset, name, value):
        """Upcoming, today or past at each hearing's venue (`HearingQuerySet.in_status`)."""
        if value not in HearingStatus.values:
            return queryset.none()
        return queryset.in_status(value)


class ContributionFilterSet(django_filters.FilterSet):
    hearing = django_filters.CharFilter(field_name="hearing__slug", label=_("Hearing"))
    segment = WholeNumberFilter(field_name="segment_id", label=_("Segment"))
    category = LenientChoiceFilter(choices=StakeholderCategory.choices, label=_("Category"))
    region = LenientChoiceFilter(choices=Region.choices, label=_("Region"))
    language = LenientChoiceFilter(choices=UNLanguage.choices, label=_("Language"))
    country = django_filters.CharFilter(field_name="country", label=_("Country"))
    organization = django_filters.CharFilter(method="filter_organization", label=_("Organization"))
    campaign = django_filters.CharFilter(field_name="campaign", label=_("Campaign group"))
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))

    class Meta:
        model = Contribution
        fields = [
            "hearing",
            "segment",
            "category",
            "region",
            "language",
            "country",
            "organization",
            "campaign",
            "q",
        ]

    def filter_search(self, queryset, name, value):
        return search_contributions(queryset, value)

    def filter_organization(self, queryset, name, value):
        return queryset.credited().filter(organization__slug=value)


class StaffContributionFilterSet(ContributionFilterSet):
    """The public filters, and the status for staff, who see every contribution."""

    status = LenientChoiceFilter(choices=ContributionStatus.choices, label=_("Status"))

    class Meta(ContributionFilterSet.Meta):
        fields = [*ContributionFilterSet.Meta.fields, "status"]


class SegmentFilterSet(django_filters.FilterSet):
    hearing = django_filters.CharFilter(field_name="hearing__slug", label=_("Hearing"))
    kind = LenientChoiceFilter(choices=SegmentKind.choices, label=_("Kind"))
    # Titles only: a summary is outcome text, which a search must not reveal before it is public.
    q = SearchFilter(fields=["title"])

    class Meta:
        model = Segment
        fields = ["hearing", "kind", "q"]


class RegistrationFilterSet(django_filters.FilterSet):
    hearing = django_filters.CharFilter(field_name="hearing__slug", label=_("Hearing"))
    status = LenientChoiceFilter(choices=RegistrationStatus.choices, label=_("Status"))
    category = LenientChoiceFilter(choices=StakeholderCategory.choices, label=_("Category"))
    q = SearchFilter(fields=["name", "email", "organization_name", "organization__name"])

    class Meta:
        model = Registration
        fields = ["hearing", "status", "category", "q"]
