"""Shared test fixtures: the personas every view is tested with (after healthchecks' alice, bob
and charlie) and a helper asserting that the database itself rejects a row."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import translation


@pytest.fixture(scope="session", autouse=True)
def collected_static_files(tmp_path_factory):
    """Pages are rendered as in production, with hashed static file names, so a template that
    names a missing file fails here rather than on the server."""
    # A fast password hasher too: the suite creates many accounts and never guards a real one.
    with override_settings(
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(autouse=True)
def no_page_cache(request, settings):
    """Each test that uses the database starts with an empty shared cache (a table of that
    database by default, whose rows outlive the flush between transactional tests) and every
    test without the anonymous page cache, so query counts measure the views; test_cache.py
    turns it on. A test without the database has no cache to clear."""
    settings.PAGE_CACHE_SECONDS = 0
    if request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        from django.core.cache import cache

        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def decision_emails_at_once(settings):
    """Decision emails go at once, as with `DJANGO_DECISION_EMAIL_DELAY=0`, so tests of what
    an email says need not wait; test_decision_emails.py sets the delay and tests holding."""
    settings.DECISION_EMAIL_DELAY_MINUTES = 0


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request in French leaves French active in the thread (LocaleMiddleware activates the
    visitor's language and nothing deactivates it), and the next test on that worker would read
    its messages in French: each test ends back in the site's default language."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The test client and live server speak plain HTTP; production redirects to HTTPS, which
    config/tests/test_security_settings.py checks with the redirect on."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def plain_static_names_for_the_browser(request):
    """The live server serves static files through the finders, which know `css/site.css` but not
    the hashed name the manifest storage puts in pages: browser tests get unhashed names, so
    Chromium loads the real stylesheets and scripts and the tests see the site as it looks."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread, and Django then refuses
    # database calls from that thread. No coroutine touches the database here: the test thread
    # only loads fixtures and flushes tables while the live server answers in its own thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS
        )
        yield chromium
        chromium.close()


def staff_in_role(django_user_model, username, password, group):
    """A staff account in one of the secretariat's role groups, as `create_staff_user` makes it:
    the tests see what the roles grant, not a permission list of their own."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    """Secretariat staff who prepare hearings: may view and change everything."""
    from consultations.roles import EDITORS

    return staff_in_role(django_user_model, "editor", "pw-editor-1", EDITORS)


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at the back office but change nothing, and never read the emails
    sent to registrants and authors."""
    from consultations.roles import VIEWERS

    return staff_in_role(django_user_model, "viewer", "pw-viewer-1", VIEWERS)


@pytest.fixture
def door(django_user_model):
    """Secretariat staff at the hearing's door: may check people in and register walk-ins, and
    nothing else."""
    from consultations.roles import DOOR

    return staff_in_role(django_user_model, "door", "pw-door-1", DOOR)


@pytest.fixture
def stakeholder(django_user_model):
    """Someone from outside the secretariat with an account: no staff rights at all."""
    return django_user_model.objects.create_user("stakeholder", "ngo@example.org", "pw-ngo-1")


def _unique_columns(constraint):
    """The `table.column` names SQLite cites when a UNIQUE constraint with plain fields fails."""
    for model in apps.get_models():
        for candidate in model._meta.constraints:
            if candidate.name == constraint and getattr(candidate, "fields", None):
                table = model._meta.db_table
                return [f"{table}.{model._meta.get_field(f).column}" for f in candidate.fields]
    return None


@contextmanager
def _violates(constraint):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    columns = _unique_columns(constraint)
    if connection.vendor == "sqlite" and message.startswith("UNIQUE") and columns:
        assert message == "UNIQUE constraint failed: " + ", ".join(columns)
    else:
        assert constraint in message


@pytest.fixture
def violates():
    """`with violates("name"):` asserts that the block's write is refused by the database itself,
    for that constraint: PostgreSQL names it, SQLite names it or, for a UNIQUE constraint on
    plain fields, lists its columns. For a field's own `unique=True`, pass the field's name."""
    return _violates
