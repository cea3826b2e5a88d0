"""Readers for settings taken from the environment: django-environ parses the URLs and the .env
file; the few helpers here add what it leaves loose. A boolean it cannot read is refused rather
than taken as off, a relative SQLite path is taken from the project folder, a PostgreSQL socket
folder given as `%2Fvar%2Frun%2Fpostgresql` is decoded, and `console:` names the console email
backend. Every refusal is an ImproperlyConfigured with a one-line message."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
EMAIL_SCHEME_ALIASES = {"console": "consolemail", "locmem": "memorymail", "dummy": "dummymail"}

env = environ.Env()


def load_env_file(path):
    """Read `KEY=value` lines of a local, untracked file into the environment, never overriding
    what the environment already holds: a developer keeps DJANGO_SECRET_KEY or DATABASE_URL there
    instead of typing them before every command. Quotes are removed only when they enclose the
    whole value, so a value that really ends in a quote keeps it."""
    if not path or not Path(path).is_file():
        return
    environ.Env.read_env(str(path), overwrite=False)


def envbool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of on/off, true/false, yes/no or 1/0, not {raw!r}."
    )


def envint(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def envlist(name, default):
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url, base_dir: Path, name="DATABASE_URL"):
    """A DATABASES entry from `sqlite:///file`, `sqlite:////absolute/file` or
    `postgres://user:pw@host:port/name` (the host may be a percent-encoded socket folder)."""
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must start with sqlite:// or postgres://, not {scheme or url!r}."
        )
    config = environ.Env.db_url_config(url)
    if scheme == "sqlite":
        if url.rstrip("/") == "sqlite:":
            raise ImproperlyConfigured(f"{name} {url!r} names no SQLite file.")
        if config["NAME"] != ":memory:":
            config["NAME"] = str(base_dir / config["NAME"])
        return config
    if not config["NAME"]:
        raise ImproperlyConfigured(f"{name} {url!r} names no database.")
    config["HOST"] = unquote(config["HOST"] or "")
    config["PORT"] = str(config["PORT"] or "")
    config.setdefault("OPTIONS", {})
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    return config


def email_from_url(url):
    """EMAIL_* settings from `smtp://user:pass@host:587`, `smtp+ssl://…`, `console:` and the
    like. Port 587 means STARTTLS and 465 implicit TLS, as mail servers agree."""
    scheme, _, rest = url.partition(":")
    scheme = EMAIL_SCHEME_ALIASES.get(scheme, scheme)
    if not rest.startswith("//"):
        rest = "//" + rest
    try:
        config = environ.Env.email_url_config(f"{scheme}:{rest}")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls://, smtp+ssl:// or console:, not {scheme!r}."
        ) from None
    if scheme in {"smtp", "smtps"} and "EMAIL_USE_TLS" not in config:
        config["EMAIL_USE_TLS"] = config.get("EMAIL_PORT") == 587
        config["EMAIL_USE_SSL"] = config.get("EMAIL_PORT") == 465
    return {key: value for key, value in config.items() if value is not None}


def cache_from_url(url):
    """A CACHES entry from `redis://host:6379/0` (or another scheme django-environ knows)."""
    try:
        config = environ.Env.cache_url_config(url)
    except (ImproperlyConfigured, KeyError):
        raise ImproperlyConfigured(f"CACHE_URL {url!r} names no cache Django knows.") from None
    if "redis" in config["BACKEND"]:
        config["KEY_PREFIX"] = "hearings"
    return config
