"""The rate limits count in the shared cache: a table of the database by default, Redis when
REDIS_URL is set; either way every server process shares the count."""

import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from consultations import ratelimit
from consultations.models import Registration
from consultations.tests.forms_support import open_hearing


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"test-forms-{uuid.uuid4().hex}",
        }
    }
    # A prefix of its own, and no clear(): that would flush the whole Redis database, which
    # other processes share. The keys expire with the window.
    return caches["default"]


def post_from(address):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_limits_count_posts_per_address_and_accepted_submissions_per_email_in_redis(
    redis_cache,
):
    assert redis_cache.__class__.__name__ == "RedisCache"
    posts = [ratelimit.address_allows(post_from("10.1.1.1"), "register") for _ in range(31)]
    assert posts == [True] * ratelimit.POSTS_PER_ADDRESS + [False]
    # Another address still may.
    assert ratelimit.address_allows(post_from("10.1.1.2"), "register") is True
    # An email: only what was accepted counts, whatever address it came from.
    assert ratelimit.email_allows("contribute", "A@Example.org") is True
    for _ in range(ratelimit.SUBMISSIONS_PER_EMAIL):
        ratelimit.count_submission("contribute", "a@example.org")
    assert ratelimit.email_allows("contribute", "A@Example.org") is False
    # Each form counts apart.
    assert ratelimit.email_allows("register", "a@example.org") is True


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_reset_the_count(settings):
    settings.TRUSTED_PROXIES = []
    for number in range(ratelimit.POSTS_PER_ADDRESS):
        request = RequestFactory().post(
            "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
        assert ratelimit.address_allows(request, "register") is True
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert ratelimit.address_allows(request, "register") is False


@pytest.mark.django_db
def test_a_cache_that_cannot_answer_does_not_turn_people_away(client, settings):
    hearing = open_hearing()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    data = {
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "category": "civil_society",
        "organization_text": "Migrant Voices",
        "country": "SN",
        "privacy_consent": "on",
        "website": "",
    }
    response = client.post(f"/hearings/{hearing.slug}/register/", data)
    assert response.status_code == 302
    assert Registration.objects.count() == 1
