"""gunicorn for `make serve` and production: `gunicorn -c gunicorn.conf.py config.wsgi`.

Every value may be set from the environment (GUNICORN_BIND, GUNICORN_WORKERS, …). Workers are
recycled after a number of requests, with jitter so they do not all restart at once; a worker
stuck longer than the timeout is killed, and its open transaction is rolled back by the database,
so nothing it was writing is left half-done.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# The application writes one line per request with its request id (config.middleware): no
# access log of gunicorn's own, which would repeat it with the query string.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* headers are believed only from the reverse proxy's address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request line and headers: generous for real browsers, small enough to refuse abuse.
limit_request_line = 8190
limit_request_fields = 100
