"""The database failing while a public form is stored: the person sees their form again, as they
filled it, with a sentence asking them to send it in a minute and a 503; nothing is stored, not
one row and not the upload. The faults are real: statements refused by the connection's execute
wrapper (SQLite and PostgreSQL), and on PostgreSQL the server ending the connection mid-insert
while the next connection is refused."""

import contextlib

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import reverse

from consultations.enums import PublicationConsent
from consultations.models import Contribution, OutgoingEmail, Registration, StatusChange
from consultations.tests.factories import SegmentFactory
from consultations.tests.forms_support import open_hearing, pdf_bytes, upload
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory

UNAVAILABLE = (
    "The service is briefly unavailable: your text is kept below, please send it again in a minute."
)
BODY = "Nous recommandons des **voies régulières** pour les travailleurs migrants, sans délai.\n"
DATA_STATEMENTS = ("SELECT", "INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def fresh_cache_and_media(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


@pytest.fixture
def media(settings):
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def contribution_data(hearing, segment):
    return {
        "author_name": "Zoë Ångström-Ndiaye",
        "author_email": "zoe@example.org",
        "organization_text": "ICMC",
        "category": "civil_society",
        "country": "SN",
        "language": "fr",
        "title": "Voies régulières — « maintenant »",
        "segment": str(segment.pk),
        "body": BODY,
        "consent": PublicationConsent.ORGANIZATION,
        "website": "",
        "attachment": upload("note.pdf", pdf_bytes()),
    }


def registration_data():
    return {
        "honorific": "Dr.",
        "name": "Zoë Ångström-Ndiaye",
        "email": "zoe@example.org",
        "position": "Chargée de plaidoyer",
        "category": StakeholderCategory.CIVIL_SOCIETY,
        "organization_text": "ICMC",
        "country": "SN",
        "accessibility_needs": "Sous-titrage en français, s'il vous plaît.",
        "privacy_consent": "on",
        "listed_publicly": "on",
        "website": "",
        "nomination_letter": upload("lettre.pdf", pdf_bytes()),
    }


class RefuseInserts:
    """An execute wrapper: the first INSERT fails as a statement timeout does; with
    `then_down`, every data statement after it fails too, as while the server is away. The
    shared cache's table (the rate limits; Redis in production) is left alone: the fault is the
    submission's."""

    def __init__(self, then_down=False):
        self.then_down = then_down
        self.failed = False

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        if f'"{settings.CACHES["default"]["LOCATION"]}"' in sql:
            return execute(sql, params, many, context)
        if statement.startswith("INSERT") or (
            self.failed and self.then_down and statement.startswith(DATA_STATEMENTS)
        ):
            self.failed = True
            raise OperationalError("canceling statement due to statement timeout")
        return execute(sql, params, many, context)


def assert_nothing_stored(media):
    assert Contribution.objects.count() == 0
    assert Registration.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert stored_files(media) == []


def assert_form_kept(response, typed):
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.context["form"].non_field_errors() == [UNAVAILABLE]
    page = response.content.decode()
    assert UNAVAILABLE in page
    assert "Please correct" not in page
    form = response.context["form"]
    for name, value in typed.items():
        assert form[name].value() == value, name


@pytest.fixture
def hearing():
    OrganizationFactory(name="International Catholic Migration Commission", acronym="ICMC")
    return open_hearing(slug="faults")


@pytest.mark.django_db
@pytest.mark.parametrize("then_down", [False, True], ids=["timeout", "server-away"])
def test_contribution_kept_in_the_form_when_the_database_fails(client, hearing, media, then_down):
    segment = SegmentFactory(hearing=hearing, title="Panel on pathways")
    data = contribution_data(hearing, segment)
    with connection.execute_wrapper(RefuseInserts(then_down=then_down)):
        response = client.post(reverse("consultations:contribute", args=[hearing.slug]), data)
    typed = {k: v for k, v in data.items() if k not in ("attachment", "website")}
    assert_form_kept(response, typed)
    page = response.content.decode()
    assert "Nous recommandons des **voies régulières**" in page
    assert "Panel on pathways" in page
    # Up, the page offers the register's names; away, it still renders without them.
    assert ("International Catholic Migration Commission" in page) is not then_down
    assert_nothing_stored(media)


@pytest.mark.django_db
@pytest.mark.parametrize("then_down", [False, True], ids=["timeout", "server-away"])
def test_registration_kept_in_the_form_when_the_database_fails(client, hearing, media, then_down):
    data = registration_data()
    with connection.execute_wrapper(RefuseInserts(then_down=then_down)):
        response = client.post(reverse("consultations:register", args=[hearing.slug]), data)
    typed = {
        k: v
        for k, v in data.items()
        if k not in ("nomination_letter", "website", "privacy_consent", "listed_publicly")
    }
    assert_form_kept(response, typed)
    assert response.context["form"]["privacy_consent"].value() is True
    assert "Sous-titrage en français" in response.content.decode()
    assert_nothing_stored(media)


@pytest.mark.django_db
def test_the_same_form_sent_again_once_the_database_is_back_is_stored_once(client, hearing, media):
    segment = SegmentFactory(hearing=hearing)
    url = reverse("consultations:contribute", args=[hearing.slug])
    with connection.execute_wrapper(RefuseInserts()):
        assert client.post(url, contribution_data(hearing, segment)).status_code == 503
    response = client.post(url, contribution_data(hearing, segment))
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.body == BODY
    assert StatusChange.objects.count() == 1
    assert len(stored_files(media)) == 1


# PostgreSQL: the server ends the connection in the middle of the insert ----------------------


@contextlib.contextmanager
def server_ends_the_connection_at_insert(table, *, stays_down):
    """At the first INSERT into `table`, another session terminates ours (pg_terminate_backend,
    as a restart or failover does), then the statement runs on the dead connection. With
    `stays_down`, the next connection goes to a port nothing listens on, so it is refused."""
    settings_dict = connection.settings_dict
    original_port = settings_dict["PORT"]

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().startswith(f'INSERT INTO "{table}"'):
            pid = connection.connection.info.backend_pid
            with psycopg.connect(
                host=settings_dict["HOST"] or "127.0.0.1",
                port=original_port or 5432,
                user=settings_dict["USER"],
                dbname=settings_dict["NAME"],
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            if stays_down:
                settings_dict["PORT"] = "1"
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        settings_dict["PORT"] = original_port
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stays_down", [False, True], ids=["reconnects", "stays-down"])
def test_connection_lost_during_a_contribution(client, hearing, media, stays_down):
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL server session")
    segment = SegmentFactory(hearing=hearing, title="Panel on pathways")
    data = contribution_data(hearing, segment)
    with server_ends_the_connection_at_insert("consultations_contribution", stays_down=stays_down):
        response = client.post(reverse("consultations:contribute", args=[hearing.slug]), data)
    assert_form_kept(response, {"title": data["title"], "body": BODY})
    page = response.content.decode()
    assert "Panel on pathways" in page
    assert ("International Catholic Migration Commission" in page) is not stays_down
    assert_nothing_stored(media)


@pytest.mark.django_db(transaction=True)
def test_connection_lost_during_a_registration(client, hearing, media):
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL server session")
    data = registration_data()
    with server_ends_the_connection_at_insert("consultations_registration", stays_down=True):
        response = client.post(reverse("consultations:register", args=[hearing.slug]), data)
    assert_form_kept(response, {"name": data["name"], "email": data["email"]})
    assert_nothing_stored(media)


def refuse_email_updates(execute, sql, params, many, context):
    """The database goes away just after the submission's commit, while the confirmation email
    is marked as sent."""
    if sql.lstrip().startswith('UPDATE "consultations_outgoingemail"'):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)
def test_a_fault_after_the_commit_keeps_the_submission_and_its_file(client, hearing, media):
    segment = SegmentFactory(hearing=hearing)
    with connection.execute_wrapper(refuse_email_updates):
        response = client.post(
            reverse("consultations:contribute", args=[hearing.slug]),
            contribution_data(hearing, segment),
        )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.body == BODY
    assert stored_files(media) == [contribution.attachment.name]
    # The email stays queued for send_pending_emails.
    assert OutgoingEmail.objects.filter(sent_at=None).count() == 1
