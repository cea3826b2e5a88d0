"""The rate limit counts in Django's cache: in local memory by default, in Redis when REDIS_URL
is set, where every server process shares the count."""

import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from consultations import ratelimit


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


def test_limit_is_per_address_and_per_email_in_redis(redis_cache):
    assert redis_cache.__class__.__name__ == "RedisCache"
    assert [ratelimit.allow_post(post_from("10.1.1.1"), "register") for _ in range(6)] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]
    # Another address still may; one email from many addresses may not, past five.
    assert ratelimit.allow_post(post_from("10.1.1.2"), "register") is True
    results = [
        ratelimit.allow_post(post_from(f"10.2.0.{n}"), "contribute", "A@Example.org")
        for n in range(6)
    ]
    assert results == [True, True, True, True, True, False]
    assert ratelimit.allow_post(post_from("10.3.0.1"), "contribute", "a@example.org") is False
    # Each form counts apart.
    assert ratelimit.allow_post(post_from("10.3.0.1"), "register", "a@example.org") is True


def test_a_forged_forwarded_for_header_does_not_reset_the_count(settings):
    caches["default"].clear()
    settings.TRUSTED_PROXIES = []
    for number in range(5):
        request = RequestFactory().post(
            "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}"
        )
        assert ratelimit.allow_post(request, "register") is True
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert ratelimit.allow_post(request, "register") is False
    caches["default"].clear()
