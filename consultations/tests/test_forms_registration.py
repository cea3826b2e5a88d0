"""The public registration form, from the first page to the decision email, through the test
client with the real database, outbox and uploads."""

import datetime
import re
import threading
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import ratelimit
from consultations.enums import RegistrationStatus
from consultations.models import AccreditationRule, OutgoingEmail, Registration, StatusChange
from consultations.services import decide_registration, submit_registration
from consultations.submission_views import REGISTRATION_SALT, registration_status_path
from consultations.tests.factories import RegistrationFactory
from consultations.tests.forms_support import (
    EXE_BYTES,
    big_pdf,
    docx_bytes,
    open_hearing,
    upload,
)
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache_and_media(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


@pytest.fixture
def hearing():
    return open_hearing(title="Hearing on migration", slug="migration-hearing")


@pytest.fixture
def icmc():
    return OrganizationFactory(name="International Catholic Migration Commission", acronym="ICMC")


def register_url(hearing):
    return reverse("consultations:register", args=[hearing.slug])


def valid_data(**changes):
    data = {
        "honorific": "Ms.",
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "position": "Policy officer",
        "category": StakeholderCategory.CIVIL_SOCIETY,
        "organization_text": "icmc",
        "country": "SN",
        "accessibility_needs": "",
        "privacy_consent": "on",
        "listed_publicly": "on",
        "website": "",
    }
    data.update(changes)
    return data


def form_errors(response):
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def status_path_in(text):
    match = re.search(
        re.escape(settings.SITE_URL.rstrip("/")) + r"(/registrations/status/\S+/)", text
    )
    return match[1]


def test_registration_from_form_to_decision_email(
    client, hearing, icmc, editor, django_capture_on_commit_callbacks
):
    page = client.get(register_url(hearing))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="International Catholic Migration Commission">' in html
    assert "Privacy notice" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(hearing), valid_data())
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/hearings/{hearing.slug}/register/received/"
    assert registration.status == RegistrationStatus.PENDING
    assert registration.organization == icmc
    assert registration.organization_name == ""
    assert registration.listed_publicly is True
    assert registration.privacy_consent_at is not None
    assert registration.language == "en"
    assert registration.reference == f"{hearing.process.code}-2030-R{registration.pk:05d}"

    confirmation = client.get(response["Location"]).content.decode()
    assert "Thank you: we have received your registration." in confirmation
    assert registration.reference not in confirmation  # the link and reference go by email

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["amina@example.org"]
    assert email.subject == f"We have received your registration {registration.reference}"
    assert registration.reference in email.body
    assert email.alternatives[0].mimetype == "text/html"
    assert registration.reference in email.alternatives[0].content
    link = status_path_in(email.body)
    assert client.get(link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        decide_registration(registration, RegistrationStatus.APPROVED, by=editor)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == f"Your registration {registration.reference}: Approved"
    assert "Approved" in client.get(link).content.decode()


def test_new_organization_name_is_kept_for_staff_to_match(client, hearing):
    client.post(register_url(hearing), valid_data(organization_text="  Red Sea Migrant Network "))
    registration = Registration.objects.get()
    assert registration.organization is None
    assert registration.organization_name == "Red Sea Migrant Network"


def test_organization_datalist_query_count_does_not_grow(
    client, hearing, django_assert_num_queries
):
    # Queries: the hearing with its process; the letter rules; the organizations' names. (No
    # request savepoint: the form views are non-atomic, their service is the transaction.)
    OrganizationFactory.create_batch(3)
    with django_assert_num_queries(3):
        small = client.get(register_url(hearing))
    OrganizationFactory.create_batch(30)
    with django_assert_num_queries(3):
        large = client.get(register_url(hearing))
    assert small.content.decode().count('<option value="Organization') == 3
    assert large.content.decode().count('<option value="Organization') == 33


def test_registration_is_waitlisted_once_capacity_is_reached(client, hearing):
    hearing.capacity = 1
    hearing.save()
    RegistrationFactory(hearing=hearing, status=RegistrationStatus.PENDING)
    client.post(register_url(hearing), valid_data())
    registration = Registration.objects.get(email="amina@example.org")
    assert registration.status == RegistrationStatus.WAITLISTED
    assert registration.decided_by is None
    assert StatusChange.objects.get(registration=registration).new_status == "waitlisted"
    assert "waiting list" in OutgoingEmail.objects.get().text


def test_email_in_the_language_of_the_form(client, hearing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(hearing), valid_data(), HTTP_ACCEPT_LANGUAGE="es")
    assert Registration.objects.get().language == "es"
    assert '<html lang="es">' in mail.outbox[0].alternatives[0].content


@pytest.mark.parametrize("typed", ["amina@example.org", "AMINA@Example.ORG"])
def test_an_address_already_registered_gets_the_same_answer_and_its_owner_an_email(
    client, hearing, typed, django_capture_on_commit_callbacks
):
    """The form must not tell anyone who is registered: the answer is the one a new address
    gets, nothing new is stored, and the owner of the address is sent their status link."""
    earlier = RegistrationFactory(hearing=hearing, email="Amina@example.org")
    new = client.post(register_url(hearing), valid_data(email="someone.new@example.org"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(register_url(hearing), valid_data(email=typed))
    assert (again.status_code, again["Location"]) == (new.status_code, new["Location"])
    assert client.get(again["Location"]).content == client.get(new["Location"]).content
    assert Registration.objects.filter(email__iexact=typed).get() == earlier
    assert StatusChange.objects.filter(registration=earlier).count() == 0
    [reminder] = mail.outbox
    assert reminder.to == ["Amina@example.org"]
    assert reminder.subject == f"You are already registered: {earlier.reference}"
    assert client.get(status_path_in(reminder.body)).status_code == 200


def test_double_click_stores_one_registration(client, hearing):
    first = client.post(register_url(hearing), valid_data())
    second = client.post(register_url(hearing), valid_data())
    assert first.status_code == second.status_code == 302
    assert Registration.objects.count() == 1


def test_the_service_finds_the_earlier_registration_under_the_hearing_lock(hearing):
    earlier = RegistrationFactory(hearing=hearing, email="amina@example.org")
    late = Registration(hearing=hearing, name="Amina", email="AMINA@example.org", category="other")
    assert submit_registration(late, link=lambda r: "") == (earlier, False)
    assert Registration.objects.count() == 1
    assert OutgoingEmail.objects.get().to == "amina@example.org"


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_with_one_email_store_one_record():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks and concurrent connections")
    hearing = open_hearing()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(email):
        try:
            barrier.wait()
            registration = Registration(
                hearing_id=hearing.pk, name="Amina", email=email, category="other"
            )
            _registration, created = submit_registration(registration, link=lambda r: "")
            outcomes.append("stored" if created else "reminded")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(email,))
        for email in ["amina@example.org", "Amina@Example.org"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["reminded", "stored"]
    assert Registration.objects.filter(hearing=hearing).count() == 1


def counts_seats(sql):
    return sql.startswith("SELECT COUNT(*)") and 'FROM "consultations_registration"' in sql


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_one_gets_it_the_other_waits():
    """Two posts of the public form, each in its own thread and connection, as two workers would
    serve them. Each waits just before counting the seats until the other has come that far too
    (or two seconds): without the hearing's lock both count one free seat and both take it;
    with it, the second is held at the lock until the first has committed, then counts again and
    joins the waiting list."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time: two submissions cannot race there.")
    hearing = open_hearing(capacity=1)
    arrived = [threading.Event(), threading.Event()]
    answers = []

    def submit(me, email):
        def meet_before_counting(execute, sql, params, many, context):
            if counts_seats(sql):
                arrived[me].set()
                arrived[1 - me].wait(timeout=2)
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(meet_before_counting):
                response = Client().post(register_url(hearing), valid_data(email=email))
            answers.append(response.status_code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(me, email))
        for me, email in enumerate(["amina@example.org", "omar@example.org"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    assert all(event.is_set() for event in arrived)  # both counted the seats
    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        RegistrationStatus.PENDING,
        RegistrationStatus.WAITLISTED,
    ]
    assert StatusChange.objects.count() == 2


# Bad input: a message beside the field, the rest kept as typed, nothing stored. -----------------


def assert_nothing_stored():
    assert Registration.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_empty_required_fields(client, hearing):
    response = client.post(
        register_url(hearing),
        {"honorific": "Dr.", "position": "Head of office", "accessibility_needs": "Ramp"},
    )
    assert response.status_code == 200
    required = ["This field is required."]
    assert form_errors(response) == {
        "name": required,
        "email": required,
        "category": required,
        "organization_text": required,
        "country": required,
        "privacy_consent": ["Please accept the privacy notice to register."],
    }
    form = response.context["form"]
    assert (form["honorific"].value(), form["position"].value()) == ("Dr.", "Head of office")
    html = response.content.decode()
    assert 'value="Head of office"' in html
    assert 'aria-invalid="true"' in html
    assert '<ul class="errorlist" id="id_email_error"><li>This field is required.</li></ul>' in html
    assert_nothing_stored()


def test_invalid_email_and_overlong_name(client, hearing):
    response = client.post(register_url(hearing), valid_data(email="amina@", name="N" * 300))
    assert form_errors(response) == {
        "email": ["Enter a valid email address."],
        "name": ["Ensure this value has at most 200 characters (it has 300)."],
    }
    form = response.context["form"]
    assert form["position"].value() == "Policy officer"
    assert form["organization_text"].value() == "icmc"
    assert_nothing_stored()


def test_nomination_letter_required_where_the_rule_says(client, hearing):
    AccreditationRule.objects.create(
        hearing=hearing, category=StakeholderCategory.MEMBER_STATE, letter_required=True
    )
    page = client.get(register_url(hearing)).content.decode()
    assert "Required for: Member State." in page
    response = client.post(register_url(hearing), valid_data(category="member_state"))
    assert form_errors(response) == {
        "nomination_letter": [
            "This hearing asks for a nomination letter from your category: attach it."
        ]
    }
    assert_nothing_stored()
    # Another category needs none.
    assert client.post(register_url(hearing), valid_data()).status_code == 302


def test_nomination_letter_checked_by_content_and_renamed(client, hearing):
    response = client.post(
        register_url(hearing),
        valid_data(nomination_letter=upload("letter.pdf", docx_bytes(), "application/pdf")),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert re.fullmatch(r"nominations/[0-9a-f]{32}\.docx", registration.nomination_letter.name)
    with registration.nomination_letter.open("rb") as stored:
        assert stored.read() == docx_bytes()


def test_exe_renamed_pdf_is_refused(client, hearing):
    response = client.post(
        register_url(hearing), valid_data(nomination_letter=upload("letter.pdf", EXE_BYTES))
    )
    assert form_errors(response) == {
        "nomination_letter": ["This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document."]
    }
    assert response.context["form"]["name"].value() == "Amina Diallo"
    assert_nothing_stored()


def test_twelve_megabyte_letter_is_refused(client, hearing):
    response = client.post(register_url(hearing), valid_data(nomination_letter=big_pdf(12)))
    assert form_errors(response) == {
        "nomination_letter": [
            "The file is larger than 10.0\xa0MB, the most a document may be. Send a smaller file."
        ]
    }
    assert_nothing_stored()


def test_html_and_script_are_stored_as_text_and_escaped_everywhere(
    client, hearing, editor, django_capture_on_commit_callbacks
):
    script = '<script>alert("x")</script><b onmouseover=1>'
    data = valid_data(
        honorific=script[:40],
        name="Amina " + script,
        position=script,
        organization_text=script,
        accessibility_needs=script,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(hearing), data)
    registration = Registration.objects.get()
    assert registration.name == "Amina " + script
    assert registration.organization_name == script
    assert registration.accessibility_needs == script
    assert response.status_code == 302
    status_page = client.get(status_path_in(mail.outbox[0].body)).content.decode()
    assert "<script>alert" not in status_page
    # Jinja (markupsafe) writes &#34; where Django wrote &quot;.
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in status_page
    html_email = mail.outbox[0].alternatives[0].content
    assert "<script>" not in html_email
    assert "Amina &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html_email
    # The plain-text part is text: it says what was typed.
    assert "Amina " + script in mail.outbox[0].body
    client.force_login(editor)
    admin_page = client.get(
        reverse("admin:consultations_registration_change", args=[registration.pk])
    ).content.decode()
    assert "<script>alert" not in admin_page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in admin_page


@pytest.mark.parametrize(
    "name",
    ["عائشة الحربي", "王小明", "José Núñez-Ångström", "Zoë 🌍 Okafor"],
)
def test_names_in_any_script_are_kept_exactly(
    client, hearing, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(hearing), valid_data(name=name, organization_text=name))
    registration = Registration.objects.get()
    assert registration.name == name
    assert registration.organization_name == name
    assert mail.outbox[0].body.startswith(f"Dear {name},")


def test_a_name_with_newlines_cannot_add_email_headers(
    client, hearing, django_capture_on_commit_callbacks
):
    name = "Amina\r\nBcc: victim@example.net\r\nSubject: hacked"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(hearing), valid_data(name=name))
    message = mail.outbox[0].message()
    assert message["Bcc"] is None
    assert message["To"] == "amina@example.org"
    assert message["Subject"].startswith("We have received your registration")
    assert mail.outbox[0].recipients() == ["amina@example.org"]


def test_honeypot_filled_stores_nothing(client, hearing):
    response = client.post(register_url(hearing), valid_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "Submission not accepted" in response.content.decode()
    assert_nothing_stored()


def test_form_refuses_posts_without_csrf_token(hearing):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(register_url(hearing), valid_data())
    assert response.status_code == 403
    assert_nothing_stored()


# Windows ----------------------------------------------------------------------------------------


def test_form_before_its_window_says_when_it_opens_in_the_venue_time(client, hearing):
    hearing.registration_opens = datetime.datetime(2030, 6, 1, 7, 0, tzinfo=datetime.UTC)
    hearing.registration_closes = datetime.datetime(2030, 6, 30, 7, 0, tzinfo=datetime.UTC)
    hearing.save()
    message = "Registration opens on 1 June 2030, 09:00 (Europe/Zurich)."
    page = client.get(register_url(hearing))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert '<form class="public-form"' not in page.content.decode()
    refused = client.post(register_url(hearing), valid_data())
    assert refused.status_code == 403
    assert message in refused.content.decode()
    assert_nothing_stored()


def test_form_after_its_window_says_it_closed(client, hearing):
    hearing.registration_opens = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    hearing.registration_closes = datetime.datetime(2020, 12, 31, 22, 30, tzinfo=datetime.UTC)
    hearing.save()
    message = "Registration closed on 31 December 2020, 23:30 (Europe/Zurich)."
    assert message in client.get(register_url(hearing)).content.decode()
    assert message in client.post(register_url(hearing), valid_data()).content.decode()
    assert_nothing_stored()


def test_hearing_without_a_window_has_a_closed_form(client, hearing):
    hearing.registration_opens = hearing.registration_closes = None
    hearing.save()
    assert (
        "Registration is not open for this hearing."
        in client.get(register_url(hearing)).content.decode()
    )


def test_form_opened_while_open_and_posted_after_the_close_is_refused(client, hearing):
    assert client.get(register_url(hearing)).status_code == 200
    hearing.registration_closes = timezone.now() - datetime.timedelta(seconds=1)
    hearing.save()
    response = client.post(register_url(hearing), valid_data())
    assert response.status_code == 403
    assert "Registration closed on" in response.content.decode()
    assert_nothing_stored()


def test_unpublished_hearing_has_no_public_form(client, hearing):
    hearing.published = False
    hearing.save()
    assert client.get(register_url(hearing)).status_code == 404
    assert client.post(register_url(hearing), valid_data()).status_code == 404


# Rate limit -------------------------------------------------------------------------------------


def test_an_office_behind_one_address_may_register_many_people(client, hearing):
    for number in range(12):
        response = client.post(register_url(hearing), valid_data(email=f"p{number}@example.org"))
        assert response.status_code == 302
    assert Registration.objects.count() == 12


def test_posts_from_one_address_past_the_looser_limit_get_429_with_the_form_kept(client, hearing):
    for _number in range(ratelimit.POSTS_PER_ADDRESS):
        client.post(register_url(hearing), valid_data(name=""))  # refused, but counted
    response = client.post(register_url(hearing), valid_data(name="Amina Diallo"))
    assert response.status_code == 429
    assert "please wait ten minutes and send it again" in response.content.decode()
    assert 'value="Amina Diallo"' in response.content.decode()
    assert Registration.objects.count() == 0
    # Another address is not affected.
    other = client.post(register_url(hearing), valid_data(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_forms_sent_back_for_a_field_do_not_count_against_the_email(client, hearing):
    for _number in range(ratelimit.SUBMISSIONS_PER_EMAIL + 3):
        response = client.post(register_url(hearing), valid_data(name=""))
        assert response.status_code == 200
    assert client.post(register_url(hearing), valid_data()).status_code == 302


# Signed status link -----------------------------------------------------------------------------


class OldSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 91 * 24 * 60 * 60)


def test_registrant_cancels_through_the_signed_link(
    client, hearing, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(hearing=hearing, language="fr")
    path = registration_status_path(registration)
    assert "Cancel my registration" in client.get(path).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"action": "cancel"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    change = StatusChange.objects.get(registration=registration)
    assert (change.previous_status, change.new_status, change.changed_by) == (
        "pending",
        "cancelled",
        None,
    )
    assert len(mail.outbox) == 1
    assert '<html lang="fr">' in mail.outbox[0].alternatives[0].content
    assert "Cancel my registration" not in client.get(path).content.decode()


def test_tampered_link_is_a_404_and_changes_nothing(client, hearing):
    registration = RegistrationFactory(hearing=hearing)
    other = RegistrationFactory(hearing=hearing)
    token = signing.TimestampSigner(salt=REGISTRATION_SALT).sign(str(registration.pk))
    forged = token.replace(f"{registration.pk}:", f"{other.pk}:", 1)
    path = reverse("consultations:registration_status", args=[forged])
    assert client.get(path).status_code == 404
    assert client.post(path, {"action": "cancel"}).status_code == 404
    wrong_salt = signing.TimestampSigner(salt="other").sign(str(registration.pk))
    assert (
        client.get(reverse("consultations:registration_status", args=[wrong_salt])).status_code
        == 404
    )
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}


def test_expired_link_says_so_and_changes_nothing(client, hearing):
    registration = RegistrationFactory(hearing=hearing)
    token = OldSigner(salt=REGISTRATION_SALT).sign(str(registration.pk))
    path = reverse("consultations:registration_status", args=[token])
    page = client.get(path)
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert client.post(path, {"action": "cancel"}).status_code == 410
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert StatusChange.objects.count() == 0
