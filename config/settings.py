"""Settings for the consultation hearings platform, read from the environment.

Every variable is listed in the README and in ../shared/CONTRACT.md. Nothing secret has a fallback:
with debug off the site refuses to start without DJANGO_SECRET_KEY. django-environ reads the
URLs (DATABASE_URL, EMAIL_URL, CACHE_URL) and the .env file, through the helpers of config.env;
bad configuration stops the start with one ImproperlyConfigured line.
"""

import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    cache_from_url,
    database_from_url,
    email_from_url,
    envbool,
    envint,
    envlist,
    load_env_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent

load_env_file(os.environ.get("DJANGO_ENV_FILE", BASE_DIR / ".env"))

DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: set it to a long random string, "
            "or set DJANGO_DEBUG=on for local development."
        )
    SECRET_KEY = "development-only-key-never-used-with-debug-off"  # noqa: S105 (debug only)
# After a key change, the old keys (comma separated) still open the signed status links, which
# live 90 days; Django's signing tries them after SECRET_KEY. Remove a key once its links expire.
SECRET_KEY_FALLBACKS = envlist("DJANGO_SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
# The site's public address: links in emails are built from it, never from a request's Host.
# The address emails, feeds and open data link to (`make run` sets it from its port). The
# default suits only a development machine: the deploy check warns if production keeps it.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
SITE_URL = os.environ.get("DJANGO_SITE_URL", DEFAULT_SITE_URL)
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First while developing, so that `runserver` (make run) is daphne's: pages and WebSockets
    # at one address. Not in production, where it would load Twisted into every gunicorn worker
    # (daphne runs beside gunicorn there, `make serve`).
    *(["daphne"] if DEBUG else []),
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "channels",
    "stakeholders",
    "consultations",
]

MIDDLEWARE = [
    # Outermost: every response carries X-Request-ID and gives one log line.
    "config.middleware.RequestLogMiddleware",
    "config.middleware.FailedRequestFilesMiddleware",
    "config.middleware.RefuseNulBytesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Right after the language is known and before anything queries: anonymous pages from cache.
    "consultations.cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: a refused /admin/ login is counted (after authentication has run).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    # The public pages (`<app>/jinja2/`, `jinja2/`): see config/jinja2.py.
    {
        "BACKEND": "config.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}
# Each request runs in one transaction: a fault or a killed worker leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
SILENCED_SYSTEM_CHECKS = []
# Persistent connections: a worker keeps its PostgreSQL connection between requests (checked before
# reuse) instead of paying a new one on every page.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = envint("DJANGO_CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The public list indexes cover hearing_id on PostgreSQL (INCLUDE); SQLite has no such
    # columns and simply builds the index without them, which is all a development site needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
# An optional read replica: anonymous reads go there, everything else to the primary
# (config.routers). Its test database mirrors the primary's.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(
        os.environ["DATABASE_REPLICA_URL"], base_dir=BASE_DIR, name="DATABASE_REPLICA_URL"
    ) | {"TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# One cache shared by every process and server: page caches and their invalidation, the forms'
# rate limits and the API throttle must hold across gunicorn's workers, never per process. Redis
# when REDIS_URL (or CACHE_URL) is set; else a table of the database every process already
# shares (created by `migrate`, see consultations.apps).
if os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL"):
    CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or os.environ["REDIS_URL"])}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hearings_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# The channel layer carries the speakers' list's changes to the WebSocket screens of every ASGI
# process: Redis when REDIS_URL is set (several servers share it); else in memory, which serves
# the screens of one process only (`make run` on a laptop).
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": "hearings"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Lifetime of cached anonymous pages (consultations.cache); 0 turns every page cache off. A staff
# edit clears them at once, so the lifetime only bounds memory.
PAGE_CACHE_SECONDS = envint("DJANGO_PAGE_CACHE_SECONDS", 300)

# django-axes counts refused /admin/ logins per client address only (never per username, so
# nobody can lock a colleague out, and the answer is the same for a wrong name or password). The
# address is REMOTE_ADDR unless the request came through a proxy named in DJANGO_TRUSTED_PROXIES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The back office is the only place to sign in: after it, or after a refused `next`, go there.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
TRUSTED_PROXIES = envlist("DJANGO_TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = envint("DJANGO_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks English, French and Spanish; outcome texts may also be held in the other UN
# official languages (see consultations.enums.UNLanguage).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # MEDIA_ROOT; a request that fails deletes what it saved (config.storage).
    "default": {"BACKEND": "config.storage.RequestFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if os.environ.get("DJANGO_S3_BUCKET"):
    # Uploads in an S3-compatible bucket, private: the attachment view streams them.
    STORAGES["default"] = {
        "BACKEND": "config.s3storage.RequestS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_S3_BUCKET"],
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Requests and uploads: a contribution's attachment may be 10 MB; anything larger in memory is
# streamed to a temporary file, and a form never needs more than a few dozen fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Email: the console under debug, SMTP otherwise: EMAIL_URL (smtp://user:pass@host:587,
# smtp+ssl://…, console:) or DJANGO_EMAIL_HOST and friends.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT", 20)
if os.environ.get("EMAIL_URL"):
    globals().update(email_from_url(os.environ["EMAIL_URL"]))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "hearings@localhost")
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS. Behind a reverse proxy that terminates TLS, set DJANGO_SECURE_PROXY_SSL_HEADER to the
# header the proxy sets (e.g. X-Forwarded-Proto) and make sure the proxy overwrites it.
SESSION_COOKIE_SECURE = not DEBUG and envbool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# Opt-in: covering subdomains reaches hosts this site does not run, and a preloaded domain stays
# HTTPS-only in browsers for months after it leaves the list. Django's deploy check warns while
# either is off (security.W005, W021): a choice made here, so those two warnings only are silenced.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
# /healthz answers the proxy's plain-HTTP health checks.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: everything comes from the site's own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}
# Where the live speakers' list's WebSocket is served when it is not the page's own address:
# `make serve` runs daphne on the next port beside gunicorn (ws://127.0.0.1:8001). Behind one
# proxy, as in production, it stays empty: the page connects to its own host.
LIVE_SOCKET_ORIGIN = os.environ.get("DJANGO_LIVE_SOCKET_ORIGIN", "").rstrip("/")
if LIVE_SOCKET_ORIGIN:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] = [SELF, LIVE_SOCKET_ORIGIN]

# Decision emails wait this many minutes before they go (or until staff send them), so that a
# decision taken back meanwhile never reaches the person; 0 sends them at once.
DECISION_EMAIL_DELAY_MINUTES = envint("DJANGO_DECISION_EMAIL_DELAY", 10)

# Privacy: registrations are deleted this many days after their hearing (purge_registrations).
REGISTRATION_RETENTION_DAYS = envint("DJANGO_REGISTRATION_RETENTION_DAYS", 365)

# One line per request (config.middleware) with its request id; every line escaped so that text
# a visitor typed cannot start a line of its own.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "()": "config.logging.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
    },
    "loggers": {
        "hearings.requests": {
            "handlers": ["console"],
            "level": os.environ.get("DJANGO_REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # Our request line says the same: Django's own is kept for errors only.
        "django.request": {"level": "ERROR"},
    },
}

# The API (/api/v1/): JSON and CSV, public reads, staff writes under model permissions, pages of
# at most 100 rows, anonymous clients throttled per address in the default cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["consultations.api.permissions.PublicReadStaffWrite"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "consultations.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["consultations.api.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "consultations.api.pagination.CappedPageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "consultations.api.filters.BoundedSearchFilterBackend",
        "consultations.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["consultations.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("DJANGO_API_ANON_RATE", "120/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "consultations.api.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "UN consultation hearings API",
    "DESCRIPTION": "Hearings, their programme, stakeholders and published contributions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UNLanguageEnum": "consultations.enums.UNLanguage",
        "InterfaceLanguageEnum": "consultations.enums.InterfaceLanguage",
        "RegistrationStatusEnum": "consultations.enums.RegistrationStatus",
        "ContributionStatusEnum": "consultations.enums.ContributionStatus",
    },
}
# The licence the open-data zip (/api/v1/open-data/) states in its README.
OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC BY 4.0")
# `manage.py build_open_data` (run from cron every minute) rebuilds the zip at most this often,
# and only after a public record changed.
OPEN_DATA_BUILD_MINUTES = envint("DJANGO_OPEN_DATA_BUILD_MINUTES", 10)
