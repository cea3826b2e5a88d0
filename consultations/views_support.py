"""What every public view shares: how a page is served and how its list filters are drawn."""

from urllib.parse import quote

from django.db import transaction
from django.urls import reverse
from django.views.decorators.http import conditional_page, require_safe


def public_page(view):
    """A page anyone may read: GET or HEAD only, with an ETag of its content. It only reads, so
    it runs outside ATOMIC_REQUESTS' transaction (no savepoint round trips)."""
    return transaction.non_atomic_requests(require_safe(conditional_page(view)))


def select_field(request, name, label, any_label, choices):
    """A list filter as a select (jinja2/includes/select_filter.html). A value given in the
    address but not among the choices stays shown and selected, so the visitor sees why the list
    is empty."""
    current = request.GET.get(name, "")
    options = [(str(value), text, str(value) == current) for value, text in choices]
    if current and not any(selected for _value, _text, selected in options):
        options.append((current, current, True))
    return {"name": name, "label": label, "any_label": any_label, "options": options}


def query_without_page(request):
    """The list's query string without its page, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def link_maker(name):
    """A function giving the URL of `name` for one argument, reversed once: a list page links
    each of its rows without running the URL resolver per row."""
    slot = "0slot0"
    pattern = reverse(name, args=[slot])
    return lambda value: pattern.replace(slot, quote(str(value), safe=""))
