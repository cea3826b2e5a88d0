import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_from_url, database_from_url, email_from_url, envbool, load_env_file

BASE_DIR = Path(settings.BASE_DIR)


NO_SECRET = (
    "DJANGO_SECRET_KEY is not set: set it to a long random string, "
    "or set DJANGO_DEBUG=on for local development."
)


def clean_environment(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_URL", "CACHE_URL", "EMAIL_URL"))
    }
    return clean | {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV_FILE": ""} | env


def start_django(code, **env):
    """Run `code` in a fresh Python with Django set up from the given environment only."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"ImproperlyConfigured: {NO_SECRET}"]


def test_settings_raise_improperly_configured_in_one_line_without_a_secret_key():
    result = start_django("print('started')")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {NO_SECRET}"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DJANGO_DEBUG",
            "perhaps",
            "DJANGO_DEBUG must be one of on/off, true/false, yes/no or 1/0, not 'perhaps'.",
        ),
        (
            "DATABASE_URL",
            "mysql://root@localhost/x",
            "DATABASE_URL must start with sqlite:// or postgres://, not 'mysql'.",
        ),
        (
            "EMAIL_URL",
            "pigeon://loft",
            "EMAIL_URL must start with smtp://, smtp+tls://, smtp+ssl:// or console:, not 'pigeon'.",
        ),
        (
            "DJANGO_SECURE_HSTS_SECONDS",
            "a year",
            "DJANGO_SECURE_HSTS_SECONDS must be a whole number, not 'a year'.",
        ),
    ],
)
def test_bad_configuration_stops_the_start_in_one_line(variable, value, message):
    result = manage("check", DJANGO_SECRET_KEY="a-real-secret", **{variable: value})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"ImproperlyConfigured: {message}"]


def test_starts_with_a_secret_key_and_debug_off():
    result = start_django(
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)",
        DJANGO_SECRET_KEY="a-real-secret",
    )
    assert result.stdout.split() == ["False", "a-real-secret"]


def test_a_production_worker_loads_neither_the_document_libraries_nor_twisted():
    # What gunicorn's worker imports before its first request: the URLs, their views, the admin.
    heavy = ["weasyprint", "docx", "lxml", "openpyxl", "twisted", "daphne"]
    result = start_django(
        "import sys; from django.urls import resolve; resolve('/'); "
        f"print(sorted(name for name in {heavy!r} if name in sys.modules))",
        DJANGO_SECRET_KEY="a-real-secret",
    )
    assert result.stdout.split() == ["[]"], result.stderr


def test_debug_on_starts_with_a_development_key():
    result = start_django(
        "from django.conf import settings; print(settings.DEBUG)", DJANGO_DEBUG="on"
    )
    assert result.stdout.split() == ["True"]


def test_allowed_hosts_default_and_override():
    code = "from django.conf import settings; print(','.join(settings.ALLOWED_HOSTS))"
    assert start_django(code, DJANGO_DEBUG="on").stdout.strip() == "localhost,127.0.0.1"
    custom = start_django(code, DJANGO_DEBUG="on", DJANGO_ALLOWED_HOSTS="hearings.example.org, a.b")
    assert custom.stdout.strip() == "hearings.example.org,a.b"


def test_database_defaults_to_sqlite_in_the_project_folder():
    result = start_django(
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        DJANGO_DEBUG="on",
    )
    assert result.stdout.strip() == str(BASE_DIR / "db.sqlite3")


def test_cache_lives_in_redis_when_redis_url_is_set():
    key = f"settings-test-{uuid.uuid4()}"
    result = start_django(
        "from django.core.cache import cache; "
        f"cache.set('{key}', 'stored in redis', 30); "
        "import redis; "
        f"print(redis.Redis.from_url('redis://127.0.0.1:6379/0').exists('hearings:1:{key}'))",
        DJANGO_DEBUG="on",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stderr == ""
    assert result.stdout.strip() == "1"


def test_sqlite_urls_are_read_relative_to_the_project_or_absolute():
    assert database_from_url("sqlite:///db.sqlite3", BASE_DIR)["NAME"] == str(
        BASE_DIR / "db.sqlite3"
    )
    assert database_from_url("sqlite:////var/lib/h.db", BASE_DIR)["NAME"] == "/var/lib/h.db"
    assert database_from_url("sqlite:///:memory:", BASE_DIR)["NAME"] == ":memory:"


def test_postgres_url_is_read_whole():
    database = database_from_url(
        "postgres://hearings:p%40ss@db.example.org:6543/hearings?sslmode=require", BASE_DIR
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "hearings",
        "hearings",
        "p@ss",
    )
    assert (database["HOST"], database["PORT"], database["OPTIONS"]) == (
        "db.example.org",
        "6543",
        {"sslmode": "require"},
    )


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "postgres://localhost/", "sqlite://"])
def test_unusable_database_urls_are_refused_clearly(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, BASE_DIR)


def test_envbool_refuses_what_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be one of"):
        envbool("DJANGO_DEBUG", False)
    monkeypatch.setenv("DJANGO_DEBUG", "On")
    assert envbool("DJANGO_DEBUG", False) is True


def test_env_file_fills_in_what_the_environment_lacks(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a developer's machine\n\nHEARINGS_TEST_KEY='from the file'\nHEARINGS_TEST_KEPT=file\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("HEARINGS_TEST_KEY", raising=False)
    monkeypatch.setenv("HEARINGS_TEST_KEPT", "environment")
    load_env_file(env_file)
    assert os.environ["HEARINGS_TEST_KEY"] == "from the file"
    assert os.environ["HEARINGS_TEST_KEPT"] == "environment"
    monkeypatch.delenv("HEARINGS_TEST_KEY")


def test_settings_read_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_SECRET_KEY=kept-in-a-file\n", encoding="utf-8")
    result = start_django(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DJANGO_ENV_FILE=str(env_file),
    )
    assert result.stdout.strip() == "kept-in-a-file"


def test_postgres_socket_folder_is_decoded():
    database = database_from_url("postgres://user@%2Fvar%2Frun%2Fpostgresql/db", BASE_DIR)
    assert (database["HOST"], database["PORT"], database["USER"], database["NAME"]) == (
        "/var/run/postgresql",
        "",
        "user",
        "db",
    )


def test_a_value_that_really_ends_in_a_quote_keeps_it(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "HEARINGS_TEST_QUOTE=ends with a quote\"\nHEARINGS_TEST_APOSTROPHE=it's\n"
        'HEARINGS_TEST_DOUBLE="enclosed"\n',
        encoding="utf-8",
    )
    for name in ("HEARINGS_TEST_QUOTE", "HEARINGS_TEST_APOSTROPHE", "HEARINGS_TEST_DOUBLE"):
        monkeypatch.delenv(name, raising=False)
    load_env_file(env_file)
    assert os.environ["HEARINGS_TEST_QUOTE"] == 'ends with a quote"'
    assert os.environ["HEARINGS_TEST_APOSTROPHE"] == "it's"
    assert os.environ["HEARINGS_TEST_DOUBLE"] == "enclosed"
    for name in ("HEARINGS_TEST_QUOTE", "HEARINGS_TEST_APOSTROPHE", "HEARINGS_TEST_DOUBLE"):
        monkeypatch.delenv(name)


def test_email_urls():
    assert email_from_url("smtp://user:pa%40ss@mail.example.org:587") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "pa@ss",
        "EMAIL_FILE_PATH": "",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    assert email_from_url("smtp+ssl://u:p@mail.example.org:465")["EMAIL_USE_SSL"] is True
    assert email_from_url("console:")["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )


def test_email_settings_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)"
    )
    from_url = start_django(
        code,
        DJANGO_SECRET_KEY="x",
        EMAIL_URL="smtp://user:pass@smtp.example.org:587",
        DEFAULT_FROM_EMAIL="hearings@example.org",
    )
    assert from_url.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "True",
        "hearings@example.org",
    ]
    variables = start_django(
        code, DJANGO_SECRET_KEY="x", DJANGO_EMAIL_HOST="relay.example.org", DJANGO_EMAIL_PORT="2525"
    )
    assert variables.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "relay.example.org",
        "2525",
        "False",
        "hearings@localhost",
    ]
    debug = start_django(code, DJANGO_DEBUG="on")
    assert debug.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"


def test_cache_url_names_redis():
    assert cache_from_url("redis://127.0.0.1:6379/2") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
        "KEY_PREFIX": "hearings",
    }
    with pytest.raises(ImproperlyConfigured, match="names no cache Django knows"):
        cache_from_url("carrier-pigeon://loft")


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 30 + "-production-like-secret-for-the-deploy-check-only",
    "DJANGO_ALLOWED_HOSTS": "hearings.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hearings.example.org",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "DJANGO_SITE_URL": "https://hearings.example.org",
}


HSTS_FLAGS = {
    "DJANGO_SECURE_HSTS_PRELOAD": "on",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "on",
}


@pytest.mark.parametrize(
    ("flags", "silenced"),
    [({}, 2), (HSTS_FLAGS, 0)],
    ids=["hsts-flags-off", "hsts-flags-opted-in"],
)
def test_deploy_check_is_clean_with_production_settings(flags, silenced):
    """Only the warnings about the two opt-in HSTS flags are silenced, and only while they are
    off (security.W005 and W021)."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **flags)
    assert result.stderr == ""
    assert result.stdout == f"System check identified no issues ({silenced} silenced).\n"
    assert result.returncode == 0


def test_hsts_preload_and_subdomains_are_opt_in():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    assert start_django(code, **PRODUCTION).stdout.strip() == "31536000 False False"
    opted_in = start_django(code, **PRODUCTION, **HSTS_FLAGS)
    assert opted_in.stdout.strip() == "31536000 True True"
    one = start_django(code, **PRODUCTION, DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="on")
    assert one.stdout.strip() == "31536000 True False"


@pytest.mark.django_db
def test_hsts_header_names_no_subdomains_and_no_preload_by_default(client):
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_deploy_check_fails_when_https_is_turned_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_SECURE_SSL_REDIRECT="off",
        DJANGO_SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode == 1
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


def test_https_settings_come_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.CSRF_TRUSTED_ORIGINS, "
        "s.SESSION_COOKIE_SECURE)"
    )
    result = start_django(code, **PRODUCTION, DJANGO_SECURE_HSTS_SECONDS="600")
    assert result.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True 600 ['https://hearings.example.org'] True"
    )
    debug = start_django(code, DJANGO_DEBUG="on")
    assert debug.stdout.strip() == "None False 0 [] False"


def test_secret_key_fallbacks_come_from_the_environment():
    code = "from django.conf import settings as s; print(s.SECRET_KEY_FALLBACKS)"
    assert start_django(code, **PRODUCTION).stdout.strip() == "[]"
    listed = start_django(code, **PRODUCTION, DJANGO_SECRET_KEY_FALLBACKS=" old-one, old-two ,")
    assert listed.stdout.strip() == "['old-one', 'old-two']"


def test_a_status_link_signed_with_the_old_key_opens_after_a_key_change(tmp_path):
    """The whole way from the environment: a site started with a new key and the old one among
    DJANGO_SECRET_KEY_FALLBACKS finds the registration an old link names, and stops finding it
    once the old key leaves the list."""
    old_key = "old-secret-key-" + "o1" * 30
    code = f"""
from django.core import signing
from django.core.management import call_command
from django.http import Http404
from django.test import override_settings
call_command("migrate", verbosity=0)
from consultations.models import Registration
from consultations.submission_views import REGISTRATION_SALT, record_from_token
from consultations.tests.factories import RegistrationFactory
registration = RegistrationFactory()
token = signing.TimestampSigner(key={old_key!r}, salt=REGISTRATION_SALT).sign(registration.pk)
def opened():
    try:
        return record_from_token(Registration, token, REGISTRATION_SALT) == registration
    except Http404:
        return "404"
print(opened())
with override_settings(SECRET_KEY_FALLBACKS=[]):
    print(opened())
"""
    environment = PRODUCTION | {
        "DJANGO_SECRET_KEY": "new-secret-key-" + "n2" * 30,
        "DJANGO_SECRET_KEY_FALLBACKS": old_key,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.sqlite3'}",
    }
    result = start_django(code, **environment)
    assert result.stderr == ""
    assert result.stdout.split() == ["True", "404"]


def test_deploy_check_warns_while_the_site_address_is_the_development_default():
    production = {name: value for name, value in PRODUCTION.items() if name != "DJANGO_SITE_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 1
    assert "consultations.W001" in result.stderr
    assert "DJANGO_SITE_URL is not set" in result.stderr
