from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


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
        ordering = super().get_ordering(request, queryset, view)
        return [*ordering, "pk"] if ordering else ordering
