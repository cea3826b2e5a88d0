"""What the API tests share: a query counter that leaves out the savepoints of the request's
own transaction (ATOMIC_REQUESTS) and the shared cache's own table (the throttle's counts; a
Redis round trip where REDIS_URL is set), and a throttle that starts empty in every test."""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def data_queries(expected):
    """Asserts that the block runs `expected` statements that read or write data."""
    cache_table = settings.CACHES["default"].get("LOCATION", "")
    with CaptureQueriesContext(connection) as captured:
        yield
    statements = [q["sql"] for q in captured.captured_queries]
    data = [
        sql
        for sql in statements
        if not sql.startswith(TRANSACTION_CONTROL) and f'"{cache_table}"' not in sql
    ]
    assert len(data) == expected, "\n\n".join(data)


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
