"""A fixed-window rate limit on the public forms, kept in Django's cache: local memory on one
process, Redis (shared by every gunicorn worker) when `REDIS_URL` is set. Each POST counts against
the client's IP address and against the email address it gives; past the limit the form answers
429 and stores nothing. The client's address is REMOTE_ADDR, or behind a proxy named in
DJANGO_TRUSTED_PROXIES the address that proxy saw (`config.clientip`)."""

import hashlib

from django.core.cache import cache

from config.clientip import client_ip

POSTS = 5
WINDOW_SECONDS = 10 * 60


def _key(scope, kind, value):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def _hit(key):
    """Count one post under `key`; returns the count within the current window."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def allow_post(request, scope, email="", limit=POSTS):
    """Count this post against its IP and email within `scope` (a form's name); False once
    either has sent more than `limit` posts in WINDOW_SECONDS."""
    counts = [_hit(_key(scope, "ip", client_ip(request)))]
    if email.strip():
        counts.append(_hit(_key(scope, "email", email)))
    return max(counts) <= limit
