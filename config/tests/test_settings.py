import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, envbool, load_env_file

BASE_DIR = Path(settings.BASE_DIR)


def start_django(code, **env):
    """Run `code` in a fresh Python with Django set up from the given environment only."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV_FILE": ""} | env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start_django("print('started')")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "DJANGO_SECRET_KEY is not set: set it to a long random string, "
        "or set DJANGO_DEBUG=on for local development."
    ]


def test_starts_with_a_secret_key_and_debug_off():
    result = start_django(
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)",
        DJANGO_SECRET_KEY="a-real-secret",
    )
    assert result.stdout.split() == ["False", "a-real-secret"]


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
