"""What every public view shares: how a page is served and how its list filters are drawn."""

import functools
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.urls import get_script_prefix, get_urlconf, reverse
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
    pattern = remembered_reverse(name, (slot,))
    return lambda value: pattern.replace(slot, quote(str(value), safe=""))


def remembered_reverse(name, args=()):
    """`reverse(name, args=args)`, remembered per URL configuration and script prefix (the
    site's URLs carry no language): every page links its menus and its rows' patterns anew, at
    about 35 µs a reversal."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return reversed_url(urlconf, get_script_prefix(), name, tuple(args))


@functools.lru_cache(maxsize=1024)
def reversed_url(urlconf, script_prefix, name, args):
    return reverse(name, urlconf=urlconf, args=args or None)
