from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from stakeholders.filters import search_words, validate_search

SEARCH_PARAM = "q"


class BoundedSearchFilterBackend(DjangoFilterBackend):
    """The FilterSets, shared with the pages, with one difference: where a page quietly reads the
    first words of a long search (`q`), the API refuses it with a 400 that names `q`."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and SEARCH_PARAM in filterset.filters:
            try:
                validate_search(request.query_params.get(SEARCH_PARAM, ""))
            except DjangoValidationError as refused:
                raise ValidationError({SEARCH_PARAM: refused.messages}) from None
        return filterset


class StrictOrderingFilter(OrderingFilter):
    """`ordering` on the view's declared fields only: an unknown field is a 400 that names it,
    never silently ignored. The primary key breaks ties so that pages never overlap."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {})}
            for term in (part.strip() for part in params.split(",")):
                if term.removeprefix("-") not in allowed:
                    raise ValidationError(
                        {
                            self.ordering_param: [
                                _("“%(field)s” is not a field the list can be ordered by.")
                                % {"field": term}
                            ]
                        }
                    )
        elif search_words(request.query_params.get(SEARCH_PARAM, "")):
            return None  # a search's own order: best match first (consultations/search.py)
        ordering = super().get_ordering(request, queryset, view)
        return [*ordering, "pk"] if ordering else ordering
