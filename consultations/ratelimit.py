"""Rate limits of the public forms, kept in the shared cache (Redis when REDIS_URL is set, else a
table of the database), so every server process counts together.

Two counts, each over a fixed window of WINDOW_SECONDS:
- per email address, the submissions a form *accepted* (a form sent back for a missing field
  does not count): SUBMISSIONS_PER_EMAIL, against one person flooding a hearing;
- per client address, every post: POSTS_PER_ADDRESS, looser, since an office or a conference's
  network sends many people's forms from one address.

The client's address is REMOTE_ADDR, or behind a proxy named in DJANGO_TRUSTED_PROXIES the address
that proxy saw (`config.clientip`)."""

import hashlib

from django.core.cache import cache

from config.clientip import client_ip

SUBMISSIONS_PER_EMAIL = 5
POSTS_PER_ADDRESS = 30
WINDOW_SECONDS = 10 * 60


def _key(scope, kind, value):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def _hit(key):
    """Count one under `key`; returns the count within the current window."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def address_allows(request, scope, limit=POSTS_PER_ADDRESS):
    """Count this post against its client address within `scope` (a form's name); False once
    the address has sent more than `limit` posts in the window."""
    return _hit(_key(scope, "ip", client_ip(request))) <= limit


def email_allows(scope, email, limit=SUBMISSIONS_PER_EMAIL):
    """Whether `email` may still submit in `scope`: fewer than `limit` accepted submissions in
    the window. Counts nothing; `count_submission` does, once a submission is accepted."""
    if not email.strip():
        return True
    return (cache.get(_key(scope, "email", email)) or 0) < limit


def count_submission(scope, email):
    if email.strip():
        _hit(_key(scope, "email", email))
