"""The anonymous page cache (consultations.cache): served without a query, keyed by path, query
and language, never for staff, forms or cookies, and cleared at once by a staff edit."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.cache import GENERATION_KEY, invalidate_pages, response_is_cacheable
from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.services import moderate_contribution
from consultations.tests.factories import ContributionFactory, HearingFactory, KeyMessageFactory
from stakeholders.tests.api_support import data_queries
from stakeholders.tests.factories import OrganizationFactory

PUBLISHED_AT = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def hearing():
    return HearingFactory(title="Hearing on decent work", slug="decent-work")


def test_cached_page_served_without_queries(client, hearing):
    first = client.get(hearing.get_absolute_url())
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with data_queries(0):
        second = client.get(hearing.get_absolute_url())
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_head_request_served_from_the_same_entry(client, hearing):
    client.get(hearing.get_absolute_url())
    with data_queries(0):
        response = client.head(hearing.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"


def test_staff_edit_shows_at_once(client, hearing):
    client.get(hearing.get_absolute_url())
    hearing.title = "Hearing on decent work for domestic workers"
    hearing.save()
    response = client.get(hearing.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Hearing on decent work for domestic workers" in response.content.decode()


def test_deleting_a_record_clears_the_cache(client):
    contribution = ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at="2030-01-01T10:00Z"
    )
    url = contribution.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"
    Contribution.objects.filter(pk=contribution.pk).delete()
    assert client.get(url).status_code == 404


def test_many_to_many_change_clears_the_cache(client, hearing):
    key_message = KeyMessageFactory(segment__hearing=hearing)
    contribution = ContributionFactory(
        hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=PUBLISHED_AT
    )
    client.get(hearing.get_absolute_url())
    before = cache.get(GENERATION_KEY)
    key_message.contributions.add(contribution)
    assert cache.get(GENERATION_KEY) != before
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"


def test_new_submission_keeps_the_cache_but_publication_clears_it(client, hearing, editor):
    organization = OrganizationFactory()
    client.get(hearing.get_absolute_url())
    before = cache.get(GENERATION_KEY)
    contribution = ContributionFactory(
        hearing=hearing, organization=organization, title="On recruitment fees"
    )
    assert cache.get(GENERATION_KEY) == before
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "hit"
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    assert cache.get(GENERATION_KEY) != before
    assert client.get(contribution.get_absolute_url()).status_code == 200


def test_language_is_part_of_the_key(client, hearing):
    english = client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert english["X-Page-Cache"] == "miss"
    assert french["X-Page-Cache"] == "miss"
    assert french["Content-Language"] == "fr"
    assert client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content == (
        french.content
    )
    assert english.content != french.content


def test_query_string_is_part_of_the_key(client):
    url = reverse("consultations:contributions")
    assert client.get(url + "?category=academia")["X-Page-Cache"] == "miss"
    assert client.get(url + "?category=trade_union")["X-Page-Cache"] == "miss"
    assert client.get(url + "?category=academia")["X-Page-Cache"] == "hit"


def test_accept_header_is_part_of_the_key(client):
    url = reverse("api:contribution-list")
    as_json = client.get(url, HTTP_ACCEPT="application/json")
    as_csv = client.get(url, HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"] == "application/json"
    assert as_csv["Content-Type"].startswith("text/csv")
    again = client.get(url, HTTP_ACCEPT="application/json")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Type"] == "application/json"


def test_response_varying_on_another_header_is_not_stored():
    request = RequestFactory().get("/")
    assert response_is_cacheable(request, HttpResponse("ok", headers={"Vary": "Accept"}))
    assert not response_is_cacheable(request, HttpResponse("ok", headers={"Vary": "User-Agent"}))


def test_staff_never_get_or_fill_cached_pages(client, editor, django_assert_max_num_queries):
    draft = HearingFactory(title="Draft hearing", slug="draft-hearing", published=False)
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_do_not_see_the_anonymous_copy(client, editor, hearing):
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"
    client.force_login(editor)
    response = client.get(hearing.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_api_token_requests_bypass_the_cache(client):
    url = reverse("api:contribution-list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    response = client.get(url, HTTP_AUTHORIZATION="Token nope")
    assert "X-Page-Cache" not in response


def test_zero_seconds_turns_the_cache_off(client, hearing, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(hearing.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(hearing.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert len(queries) > 0


def test_forms_and_admin_are_never_cached(client):
    hearing = HearingFactory(
        contributions_open="2000-01-01T00:00Z", contributions_close="2099-01-01T00:00Z"
    )
    form = client.get(reverse("consultations:contribute", args=[hearing.slug]))
    assert form.status_code == 200
    assert "X-Page-Cache" not in form
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_response_that_sets_a_cookie_is_not_stored():
    request = RequestFactory().get("/")
    response = HttpResponse("ok")
    assert response_is_cacheable(request, response)
    response.set_cookie("django_language", "fr")
    assert not response_is_cacheable(request, response)
    private = HttpResponse("ok", headers={"Cache-Control": "private, max-age=0"})
    assert not response_is_cacheable(request, private)


def test_generation_survives_a_lost_key_without_reviving_stale_pages(client, hearing):
    client.get(hearing.get_absolute_url())
    cache.delete(GENERATION_KEY)
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"


def test_invalidation_goes_through_a_shared_redis_cache(client, hearing, settings):
    """Two server processes share nothing but the cache: a generation written through one
    connection is what a fresh connection (another process) reads."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    try:
        assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"
        assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "hit"
        other_process = caches.create_connection("default")
        before = other_process.get(GENERATION_KEY)
        hearing.title = "Renamed hearing"
        hearing.save()
        assert other_process.get(GENERATION_KEY) != before
        response = client.get(hearing.get_absolute_url())
        assert response["X-Page-Cache"] == "miss"
        assert "Renamed hearing" in response.content.decode()
    finally:
        cache.clear()


def test_invalidate_pages_starts_a_new_generation():
    invalidate_pages()
    first = cache.get(GENERATION_KEY)
    invalidate_pages()
    assert cache.get(GENERATION_KEY) != first
