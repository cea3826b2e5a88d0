"""The filters of the public lists, written once for the pages and the API (django-filter).

Values that match nothing give an empty list, never an error page: an unknown hearing slug or a
category that does not exist is a question whose answer is "none"."""

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.enums import HearingStatus, UNLanguage
from consultations.models import Contribution, Hearing
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.filters import LenientChoiceFilter, search_words


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


class HearingFilterSet(django_filters.FilterSet):
    process = django_filters.CharFilter(field_name="process__slug", label=_("Process"))
    year = WholeNumberFilter(field_name="date__year", largest=9999, label=_("Year"))
    status = django_filters.CharFilter(method="filter_status", label=_("Status"))

    class Meta:
        model = Hearing
        fields = ["process", "year", "status"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == HearingStatus.UPCOMING:
            return queryset.filter(date__gt=today)
        if value == HearingStatus.ONGOING:
            return queryset.filter(date=today)
        if value == HearingStatus.PAST:
            return queryset.filter(date__lt=today)
        return queryset.none()


class ContributionFilterSet(django_filters.FilterSet):
    hearing = django_filters.CharFilter(field_name="hearing__slug", label=_("Hearing"))
    segment = WholeNumberFilter(field_name="segment_id", label=_("Segment"))
    category = LenientChoiceFilter(choices=StakeholderCategory.choices, label=_("Category"))
    region = LenientChoiceFilter(choices=Region.choices, label=_("Region"))
    language = LenientChoiceFilter(choices=UNLanguage.choices, label=_("Language"))
    country = django_filters.CharFilter(field_name="country", label=_("Country"))
    organization = django_filters.CharFilter(method="filter_organization", label=_("Organization"))
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
            "q",
        ]

    def filter_search(self, queryset, name, value):
        return search_contributions(queryset, value)

    def filter_organization(self, queryset, name, value):
        return queryset.credited().filter(organization__slug=value)


def search_contributions(queryset, value):
    """Full-text search on PostgreSQL, through the GIN index of migration 0003 (same vector);
    on SQLite, every word must appear in the title or the text."""
    words = search_words(value)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector("title", "body", config="simple")
        return queryset.annotate(search=vector).filter(
            search=SearchQuery(words, config="simple", search_type="websearch")
        )
    for word in words.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return queryset
