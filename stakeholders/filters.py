"""The filters of the register, shared by pages and the API (django-filter)."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stakeholders.enums import Region, StakeholderCategory
from stakeholders.models import Organization, Person

# Each word is one more condition on every searched column: ten thousand characters of query are
# not a question, and a thousand words once built an expression SQLite refused.
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_WORDS = 20


def search_words(value):
    """The search text as the pages read it: its first words, cut short, quietly."""
    return " ".join(value.split()[:MAX_SEARCH_WORDS])[:MAX_SEARCH_LENGTH]


def validate_search(value):
    """A search beyond what `search_words` keeps, refused: the API says so rather than answer
    another question than the one asked."""
    words = value.split()
    if len(words) > MAX_SEARCH_WORDS or len(" ".join(words)) > MAX_SEARCH_LENGTH:
        raise ValidationError(
            _("A search may hold at most %(words)d words and %(characters)d characters."),
            code="search_too_long",
            params={"words": MAX_SEARCH_WORDS, "characters": MAX_SEARCH_LENGTH},
        )


def every_word_in(queryset, value, fields):
    """Rows in which each word of the search appears in one of `fields`, in any case."""
    for word in search_words(value).split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


class SearchFilter(django_filters.CharFilter):
    """`q`, the one search of a list, page and API alike: every word in one of `fields`."""

    def __init__(self, *args, fields, **kwargs):
        self.fields = fields
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return every_word_in(qs, value or "", self.fields)


class LenientChoiceFilter(django_filters.CharFilter):
    """A choice given in the query string: one of `choices` filters, anything else matches
    nothing (rather than the form error a ChoiceFilter raises, which would show everything)."""

    def __init__(self, *args, choices, **kwargs):
        self.allowed = {value for value, _label in choices}
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        if value not in self.allowed:
            return qs.none()
        return super().filter(qs, value)


class OrganizationFilterSet(django_filters.FilterSet):
    category = LenientChoiceFilter(choices=StakeholderCategory.choices, label=_("Category"))
    region = LenientChoiceFilter(choices=Region.choices, label=_("Region"))
    country = django_filters.CharFilter(field_name="country", label=_("Country"))
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))

    class Meta:
        model = Organization
        fields = ["category", "region", "country", "q"]

    def filter_search(self, queryset, name, value):
        return every_word_in(queryset, value, ["name", "acronym"])


class PersonFilterSet(django_filters.FilterSet):
    organization = django_filters.CharFilter(
        field_name="organization__slug", label=_("Organization")
    )
    q = SearchFilter(fields=["name", "position", "organization__name"])

    class Meta:
        model = Person
        fields = ["organization", "q"]
