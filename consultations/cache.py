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

Invalidation is scoped by tags. Each tag is a key in the shared cache holding the moment its
records last changed; a cached page is fresh while every tag it depends on changed before the page
began to render. A save, delete or many-to-many change of a consultations or stakeholders record
moves, now and again on commit:
- `hearing:<pk>` of the hearing it belongs to (through its foreign keys), `organization:<pk>` and
  `person:<pk>` of those it names;
- `any`, which every page that declares no scope depends on (lists, home, feeds, sitemap, API),
  except for the records of a hearing day that only their hearing's pages show (the speakers'
  list, a check-in at the door: HEARING_ONLY_MODELS, CHECK_IN_FIELDS);
- `everything` instead of those, which every page depends on, when the change's reach is not
  tracked: a hearing published or withdrawn (it changes every list and register), an
  organization, person, process or any record with no way to its hearing.
A page declares what it shows with `page_shows(request, *records)` (`access.hearing_for` does it
for every page of a hearing), and then depends on `everything` and those records' tags only.

Moments rather than counters: a tag the cache does not hold (never changed, or dropped) is
written as changed just before the render that finds it missing, so no page cached earlier can
match it. Both caches drop tags after pages (the database cache culls the smallest keys first, and
`page-cache:page:` sorts before `page-cache:tag:`; Redis evicts the least recently used), so a
tag is not lost between a change and a render. Moments come from the clock of each server process
(one machine, or machines kept in time by NTP).
"""

import functools
import hashlib
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

PAGE_KEY = "page-cache:page:{}"
TAG_KEY = "page-cache:tag:{}"
EVERYTHING = "everything"
ANY = "any"
WATCHED_APPS = {"consultations", "stakeholders"}
# Records the public pages never show: writing them must not empty the cache (a public submission
# writes a status change and an email; staff activity fills the history tables).
UNSHOWN_MODELS = {"statuschange", "outgoingemail", "textsignature", "signatureband"}
# Records shown on their hearing's pages only, and written all day long on a hearing day (the
# speakers' list, a check-in at the door): their changes leave the lists and the home page cached.
HEARING_ONLY_MODELS = {"floorlist", "speakerrequest"}
CHECK_IN_FIELDS = {"checked_in_at", "checked_in_by", "updated_at"}
EXCLUDED_PREFIXES = ("/admin/", "/i18n/", "/api/v1/auth/")
EXCLUDED_SUFFIXES = ("/register/", "/contribute/", "/preview/", "/attachment/")
# Status pages reached through a personal token: private to whoever holds the link.
EXCLUDED_PARTS = ("/status/",)
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
KEYED_HEADERS = {"", "accept", "accept-language", "accept-encoding", "cookie"}


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def tag_key(tag):
    return TAG_KEY.format(tag)


def touch(tags):
    """Mark these tags as changed now, for every process sharing the cache."""
    now = time.time()
    cache.set_many({tag_key(tag): now for tag in tags}, None)


def invalidate_pages():
    """Every cached page, in every process, is stale from now on."""
    touch({EVERYTHING, ANY})


def invalidate(tags, using=None, lists=True):
    """Mark `tags` (None: the change's reach is unknown) changed now and again once the
    transaction commits: a page rendered in between, from the old data, would otherwise stay
    cached as fresh. `lists=False` leaves alone the pages that declare no scope (lists, home,
    feeds), for a change that no such page shows."""
    if tags is None:
        tags = {EVERYTHING, ANY}
    elif lists:
        tags = {*tags, ANY}
    touch(tags)
    if transaction.get_connection(using or "default").in_atomic_block:
        transaction.on_commit(functools.partial(touch, tags), using=using)


def record_tags(record):
    """The tag of a record a page shows: a hearing (a contribution stands for its hearing), an
    organization, a person."""
    model = record._meta.model_name
    if model == "hearing":
        return f"hearing:{record.pk}"
    if model == "contribution":
        return f"hearing:{record.hearing_id}"
    if model in {"organization", "person"}:
        return f"{model}:{record.pk}"
    raise ValueError(f"No page cache tag for {record!r}")


def page_shows(request, *records):
    """Declare that the page being rendered shows nothing but these records (and what belongs to
    them): its cached copy then outlives edits elsewhere. Pages that declare nothing depend on
    every change."""
    tags = getattr(request, "page_cache_tags", set())
    request.page_cache_tags = tags | {record_tags(record) for record in records}


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


def depended_tags(tags):
    """What a cached page checks: the declared scope and `everything`, or `any` for a page that
    declared none."""
    return [ANY] if tags is None else [EVERYTHING, *sorted(tags)]


def is_fresh(entry, known):
    """`known` holds the tag keys already read with the entry; the others are read now."""
    rendered_at, tags = entry[:2]
    keys = [tag_key(tag) for tag in depended_tags(tags)]
    missing = [key for key in keys if key not in known]
    if missing:
        known = {**known, **cache.get_many(missing)}
    return all(key in known and known[key] < rendered_at for key in keys)


def record_missing_tags(tags, started):
    """A tag the cache does not hold counts as changed just before this render began."""
    keys = [tag_key(tag) for tag in depended_tags(tags)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, started - 0.001, None)


class AnonymousPageCacheMiddleware:
    """Placed after LocaleMiddleware (the key needs the language) and before everything that may
    touch the database, so a cached page is served without a query. A page without a declared
    scope costs one cache round trip; a scoped one two (its entry names its tags)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if not seconds or not request_is_cacheable(request):
            return self.get_response(request)
        key = page_key(request)
        started = time.time()
        found = cache.get_many([key, tag_key(ANY), tag_key(EVERYTHING)])
        entry = found.pop(key, None)
        if entry is not None and is_fresh(entry, found):
            _rendered_at, _tags, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if response_is_cacheable(request, response):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            tags = getattr(request, "page_cache_tags", None)
            tags = frozenset(tags) if tags is not None else None
            record_missing_tags(tags, started)
            # The bytes and headers only: a pickled API response would also carry its data.
            entry = (started, tags, response.status_code, list(response.items()), response.content)
            cache.set(key, entry, seconds)
            response["X-Page-Cache"] = "miss"
        return response


def is_watched(model):
    opts = model._meta
    return (
        opts.app_label in WATCHED_APPS
        and opts.model_name not in UNSHOWN_MODELS
        and not opts.model_name.startswith("historical")
    )


def is_link(field):
    """A foreign key or a one-to-one link (a speakers' list belongs to one segment)."""
    return field.many_to_one or field.one_to_one


@functools.cache
def path_to_hearing(model, depth=3):
    """The lookup from `model` to its hearing's id through foreign keys ("hearing_id",
    "segment__hearing_id"), or None when it belongs to no hearing."""
    hearing = apps.get_model("consultations", "Hearing")
    relations = [field for field in model._meta.concrete_fields if is_link(field)]
    for field in relations:
        if field.related_model is hearing:
            return field.attname
    if depth:
        for field in relations:
            if field.related_model is not model and field.related_model is not hearing:
                rest = path_to_hearing(field.related_model, depth - 1)
                if rest:
                    return f"{field.name}__{rest}"
    return None


def hearing_ids(instance):
    """The hearings a record belongs to: its own hearing, else through each foreign key that
    leads to one (a placed record has a segment or a sub-discussion)."""
    hearing = apps.get_model("consultations", "Hearing")
    relations = [
        field
        for field in instance._meta.concrete_fields
        if is_link(field) and getattr(instance, field.attname) is not None
    ]
    direct = {getattr(instance, f.attname) for f in relations if f.related_model is hearing}
    if direct:
        return direct
    found = set()
    for field in relations:
        rest = path_to_hearing(field.related_model, 2)
        if rest:
            found.update(
                field.related_model._base_manager.filter(
                    pk=getattr(instance, field.attname)
                ).values_list(rest, flat=True)
            )
    return found - {None}


def change_tags(instance):
    """What a change to this record reaches, or None when that is not tracked."""
    model = type(instance)
    opts = model._meta
    if opts.model_name == "hearing":
        tags = {f"hearing:{instance.pk}"}
    elif opts.app_label == "consultations" and path_to_hearing(model):
        hearings = hearing_ids(instance)
        if not hearings:
            return None
        tags = {f"hearing:{pk}" for pk in hearings}
    else:
        return None
    person = apps.get_model("stakeholders", "Person")
    for field in opts.concrete_fields:
        value = getattr(instance, field.attname) if is_link(field) else None
        if value is None:
            continue
        name = field.related_model._meta.model_name
        if name == "organization":
            tags.add(f"organization:{value}")
        elif name == "person":
            tags.add(f"person:{value}")
            # A first public role makes someone appear on their organization's page.
            organization = person._base_manager.filter(pk=value).values_list(
                "organization_id", flat=True
            )
            tags.update(f"organization:{pk}" for pk in organization if pk)
    return tags


def publication_changes(instance, old, update_fields):
    """Whether a hearing is being published or withdrawn: that changes every list and register."""
    if instance._meta.model_name != "hearing":
        return False
    if update_fields is not None:
        return "published" in update_fields
    return old.published != instance.published


def reach_before_save(sender, instance, update_fields):
    """What the record reached before the change (a contribution moved to another hearing must
    leave the first one's pages too), None when untracked. Saves that touch no relation, such as
    the services' status changes, need no read."""
    relations = {field.name for field in sender._meta.concrete_fields if field.is_relation}
    relations.update(field.attname for field in sender._meta.concrete_fields if field.is_relation)
    if update_fields is not None and not set(update_fields) & (relations | {"published"}):
        return set()
    old = sender._base_manager.filter(pk=instance.pk).first()
    if old is None or publication_changes(instance, old, update_fields):
        return None
    return change_tags(old)


def remember_reach_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or not is_watched(sender):
        return
    instance.__dict__["_page_cache_before"] = reach_before_save(sender, instance, update_fields)


def remember_reach_before_delete(sender, instance, **kwargs):
    """Read while the parents still exist: a cascade deletes them before any post_delete."""
    if is_watched(sender):
        reach = None if sender._meta.model_name == "hearing" else change_tags(instance)
        instance.__dict__["_page_cache_before"] = reach


def shown_on_lists(sender, update_fields):
    """Whether a save may change a page that declares no scope: not the speakers' list, nor a
    registration's check-in."""
    name = sender._meta.model_name
    if name in HEARING_ONLY_MODELS:
        return False
    return not (name == "registration" and update_fields and set(update_fields) <= CHECK_IN_FIELDS)


def invalidate_after_save(
    sender, instance, created=False, using=None, update_fields=None, **kwargs
):
    if not is_watched(sender) or (created and not is_public(instance)):
        return
    before = instance.__dict__.pop("_page_cache_before", set())
    after = change_tags(instance)
    if created and sender._meta.model_name == "hearing" and instance.published:
        after = None
    tags = None if before is None or after is None else before | after
    invalidate(tags, using, lists=shown_on_lists(sender, update_fields))


def invalidate_after_delete(sender, instance, using=None, **kwargs):
    if is_watched(sender):
        invalidate(
            instance.__dict__.pop("_page_cache_before", None),
            using,
            lists=sender._meta.model_name not in HEARING_ONLY_MODELS,
        )


def invalidate_after_m2m(sender, instance, action, model, pk_set, using=None, **kwargs):
    """Both sides of the link: a key message and the contributions it cites."""
    if action not in {"post_add", "post_remove", "post_clear"} or not is_watched(type(instance)):
        return
    tags = change_tags(instance)
    if action == "post_clear":
        tags = None
    for other in model._base_manager.filter(pk__in=pk_set or ()) if tags is not None else ():
        reach = change_tags(other)
        if reach is None:
            tags = None
            break
        tags |= reach
    invalidate(tags, using)


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
    """Called from ConsultationsConfig.ready(): receivers for every watched model."""
    for model in apps.get_models():
        if is_watched(model):
            uid = model._meta.label_lower
            pre_save.connect(remember_reach_before_save, sender=model, dispatch_uid=f"pc-ps-{uid}")
            post_save.connect(invalidate_after_save, sender=model, dispatch_uid=f"pc-s-{uid}")
            pre_delete.connect(
                remember_reach_before_delete, sender=model, dispatch_uid=f"pc-pd-{uid}"
            )
            post_delete.connect(invalidate_after_delete, sender=model, dispatch_uid=f"pc-d-{uid}")
    m2m_changed.connect(invalidate_after_m2m, dispatch_uid="page-cache-m2m")
