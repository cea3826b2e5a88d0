"""The anonymous page cache: whole public pages kept in Django's cache (local memory, or Redis when
REDIS_URL is set) for DJANGO_PAGE_CACHE_SECONDS, so a visitor's page costs one cache read instead of
a dozen queries and a template.

Why not Django's own UpdateCacheMiddleware/FetchFromCacheMiddleware: it keys on every header named
in Vary (Cookie included, so a visitor with a CSRF cookie misses), cannot be cleared at once when
staff edit a record, and would serve a cached page to a signed-in editor previewing a draft.

What is never cached: anything but GET and HEAD; requests that carry a session cookie, a messages
cookie or an Authorization header (staff and API clients, whoever they are); the admin, the
language switch and the forms; responses that set a cookie, ask for a CSRF cookie (any page with a
form), say private/no-store, or are not 200.

Invalidation: each entry is stored with the generation it was rendered in; a save, delete or
many-to-many change of any consultations or stakeholders record starts a new generation (a random
token in the shared cache), so every server process misses at once. A random token rather than a
counter: if the cache loses the generation key, stale entries can never match the new one.
"""

import hashlib
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import cc_delim_re

GENERATION_KEY = "page-cache:generation"
PAGE_KEY = "page-cache:page:{}"
WATCHED_APPS = {"consultations", "stakeholders"}
# Records the public pages never show: writing them must not empty the cache (a public submission
# writes a status change and an email; staff activity fills the history tables).
UNSHOWN_MODELS = {"statuschange", "outgoingemail"}
EXCLUDED_PREFIXES = ("/admin/", "/i18n/", "/api/v1/auth/")
EXCLUDED_SUFFIXES = ("/register/", "/contribute/", "/preview/", "/attachment/")
# Status pages reached through a personal token: private to whoever holds the link.
EXCLUDED_PARTS = ("/status/",)
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
KEYED_HEADERS = {"", "accept", "accept-language", "accept-encoding", "cookie"}


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def current_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate_pages():
    """Start a new generation: every cached page, in every process, is stale from now on."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def page_key(request):
    """Path and query (as sent), scheme and host (sitemaps and feeds hold absolute links), the
    interface language chosen by LocaleMiddleware, and the Accept header (the API answers a
    browser with HTML and a client with JSON at the same address)."""
    raw = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
            request.META.get("HTTP_ACCEPT", ""),
        ]
    )
    return PAGE_KEY.format(hashlib.sha256(raw.encode()).hexdigest())


def request_is_cacheable(request):
    if request.method not in {"GET", "HEAD"}:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    path = request.path_info
    if any(part in path for part in EXCLUDED_PARTS):
        return False
    return not (path.startswith(EXCLUDED_PREFIXES) or path.endswith(EXCLUDED_SUFFIXES))


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    # The key covers these request headers (Cookie: only requests without session or messages
    # cookies get here, and the language cookie is in the key through the language).
    varies = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", ""))}
    if varies - KEYED_HEADERS:
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & UNCACHEABLE_DIRECTIVES


class AnonymousPageCacheMiddleware:
    """Placed after LocaleMiddleware (the key needs the language) and before everything that may
    touch the database, so a cached page is served without a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if not seconds or not request_is_cacheable(request):
            return self.get_response(request)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or current_generation()
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            response = entry[1]
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if response_is_cacheable(request, response):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            cache.set(key, (generation, response), seconds)
            response["X-Page-Cache"] = "miss"
        return response


def invalidate_after_commit(sender, **kwargs):
    """Invalidate now and again once the transaction commits: a page rendered in between, from
    the old data, would otherwise stay cached under the new generation."""
    opts = sender._meta
    if opts.app_label not in WATCHED_APPS or opts.model_name in UNSHOWN_MODELS:
        return
    if opts.model_name.startswith("historical"):
        return
    if kwargs.get("created") and not is_public(kwargs.get("instance")):
        return
    invalidate_pages()
    if transaction.get_connection(kwargs.get("using") or "default").in_atomic_block:
        transaction.on_commit(invalidate_pages, using=kwargs.get("using"))


def is_public(instance):
    """A new contribution or registration waits for staff and shows nowhere yet, unless it is
    created already published, or approved for the list of participants (a walk-in); anything
    else created may appear on a page."""
    from consultations.enums import ContributionStatus, RegistrationStatus
    from consultations.models import Contribution, Registration

    if isinstance(instance, Contribution):
        return instance.status in ContributionStatus.public()
    if isinstance(instance, Registration):
        return instance.status == RegistrationStatus.APPROVED and instance.listed_publicly
    return True


def connect_invalidation():
    """Called from ConsultationsConfig.ready(): one receiver per watched model."""
    for model in apps.get_models():
        if model._meta.app_label in WATCHED_APPS and not model._meta.model_name.startswith(
            "historical"
        ):
            post_save.connect(invalidate_after_commit, sender=model, dispatch_uid=f"pc-s-{model}")
            post_delete.connect(invalidate_after_commit, sender=model, dispatch_uid=f"pc-d-{model}")
    m2m_changed.connect(invalidate_after_m2m, dispatch_uid="page-cache-m2m")


def invalidate_after_m2m(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate_after_commit(type(instance), instance=instance, using=kwargs.get("using"))
