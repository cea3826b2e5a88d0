"""The security suite over what exists: hosts, redirects, malformed input, request limits,
headers, login throttling, signed links and moderation rights. (Stored XSS, CSV injection, the
forms' bad input and the API's mass assignment are covered by the forms, back-office and API
suites; see the report of issue 10 for what is left.)"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from consultations.enums import ContributionStatus
from consultations.models import Contribution, StatusChange
from consultations.tests.factories import ContributionFactory, HearingFactory
from consultations.tests.forms_support import open_hearing

pytestmark = pytest.mark.django_db

EVIL_TARGETS = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "http:evil.example",
    " //evil.example",
]


@pytest.fixture
def hearing():
    return HearingFactory(slug="geneva")


# Hosts -------------------------------------------------------------------------------------


def test_unknown_host_is_refused(hearing):
    client = Client(raise_request_exception=False)
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/hearings/geneva/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/", HTTP_HOST="localhost").status_code == 200


# Redirects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_language_switcher_never_leaves_the_site(client, target):
    response = client.get(f"/language/fr/?next={target}")
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_django_language_form_never_leaves_the_site(client, target):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_admin_login_never_redirects_off_site(client, editor, target):
    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "editor", "password": "pw-editor-1", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# Malformed input ---------------------------------------------------------------------------

PAGES = ["/", "/hearings/", "/contributions/", "/stakeholders/", "/api/v1/contributions/"]
BAD_QUERIES = [
    "q=%00",
    "q=a%00b",
    "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded: not valid UTF-8
    "q=%FF%FE",
    "hearing=%00&category=%00&region=%00&language=%00&page=%00",
    "page=99999999999999999999",
    "status=%0D%0ASet-Cookie:x=1",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("page", PAGES)
def test_malformed_query_strings_never_give_a_server_error(hearing, page, query):
    response = Client(raise_request_exception=False).get(f"{page}?{query}")
    assert response.status_code in {200, 400, 404}, (page, query, response.status_code)
    assert "x" not in response.cookies


@pytest.mark.parametrize("query", ["q=%00", "hearing=%00", "a%00b=1", "page=1&region=x%00"])
def test_nul_bytes_in_a_query_string_are_a_bad_request(hearing, query):
    response = Client(raise_request_exception=False).get(f"/contributions/?{query}")
    assert response.status_code == 400
    assert response.content.decode() == "The address holds a character no page accepts."


def test_nul_bytes_and_surrogates_in_a_path_are_not_found(hearing):
    client = Client(raise_request_exception=False)
    assert client.get("/hearings/%00/").status_code == 404
    assert client.get("/contributions/%ED%A0%80/").status_code == 404


# Request limits ----------------------------------------------------------------------------


def test_more_than_a_thousand_fields_is_refused(hearing):
    data = {f"field{n}": "x" for n in range(1001)}
    response = Client(raise_request_exception=False).post("/i18n/setlang/", data)
    assert response.status_code == 400


def test_more_files_than_allowed_is_refused(settings):
    open_hearing(slug="open")
    files = {
        f"file{n}": SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4", "application/pdf")
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    response = Client(raise_request_exception=False).post("/hearings/open/contribute/", files)
    assert response.status_code == 400


def test_a_hundred_and_one_files_is_refused():
    open_hearing(slug="open")
    files = {
        f"file{n}": SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4", "application/pdf")
        for n in range(101)
    }
    response = Client(raise_request_exception=False).post("/hearings/open/contribute/", files)
    assert response.status_code == 400


# Headers -----------------------------------------------------------------------------------


def test_security_headers_on_every_page(client, hearing):
    response = client.get("/hearings/geneva/")
    assert set(response["Content-Security-Policy"].split("; ")) == {
        "default-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    }
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
def test_plain_http_is_redirected_and_https_carries_hsts(client, hearing):
    plain = client.get("/hearings/geneva/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/hearings/geneva/"
    secure = client.get("/hearings/geneva/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_the_proxy_header_marks_a_request_as_https(client, hearing):
    response = client.get("/hearings/geneva/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200


# Login throttling --------------------------------------------------------------------------


def login(client, username, password, ip, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        headers=headers,
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_admin_login_is_throttled_per_address_only(editor):
    client = Client()
    for _ in range(2):
        assert login(client, "editor", "wrong", "203.0.113.7").status_code == 200
    assert login(client, "editor", "wrong", "203.0.113.7").status_code == 429
    # Even the right password waits now, from that address…
    assert login(client, "editor", "pw-editor-1", "203.0.113.7").status_code == 429
    # …but the account is not locked for everyone else (no locking a colleague out).
    assert login(Client(), "editor", "pw-editor-1", "198.51.100.2").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_forged_forwarded_for_header_does_not_escape_throttling(editor):
    client = Client()
    assert login(client, "editor", "x", "203.0.113.7", forwarded="10.0.0.1").status_code == 200
    assert login(client, "editor", "x", "203.0.113.7", forwarded="10.0.0.2").status_code == 429


@override_settings(AXES_FAILURE_LIMIT=2, TRUSTED_PROXIES=["10.1.0.0/16"])
def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(editor):
    client = Client()
    proxy = "10.1.2.3"
    assert login(client, "editor", "x", proxy, forwarded="6.6.6.6, 203.0.113.7").status_code == 200
    assert login(client, "editor", "x", proxy, forwarded="7.7.7.7, 203.0.113.7").status_code == 429
    # Another client through the same proxy is not held back.
    assert (
        login(client, "editor", "pw-editor-1", proxy, forwarded="198.51.100.2").status_code == 302
    )


def test_wrong_username_and_wrong_password_get_the_same_answer(editor):
    unknown = login(Client(), "nobody-here", "pw-editor-1", "192.0.2.1")
    wrong = login(Client(), "editor", "not-the-password", "192.0.2.2")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors
    assert get_user_model().objects.filter(username="nobody-here").exists() is False


# Signed links ------------------------------------------------------------------------------


def test_tampered_status_links_are_not_found(client):
    assert client.get("/registrations/status/1:abc:forged/").status_code == 404
    assert client.get("/contributions/status/1:abc:forged/").status_code == 404


# Moderation rights -------------------------------------------------------------------------


def changelist_action(client, action, contribution, method="post", **extra):
    url = reverse("admin:consultations_contribution_changelist")
    data = {"action": action, "_selected_action": [contribution.pk], "index": 0, **extra}
    return getattr(client, method)(url, data)


def test_moderation_by_a_viewer_is_refused(client, viewer, hearing):
    contribution = ContributionFactory(hearing=hearing)
    client.force_login(viewer)
    response = changelist_action(client, "publish", contribution)
    assert response.status_code in {200, 302, 403}
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED
    assert StatusChange.objects.count() == 0


def test_moderation_by_get_changes_nothing(client, editor, hearing):
    contribution = ContributionFactory(hearing=hearing)
    client.force_login(editor)
    response = changelist_action(client, "publish", contribution, method="get")
    # The admin ignores actions sent by GET: the list comes back, its filters reset.
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/consultations/contribution/?e=1",
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED
    assert StatusChange.objects.count() == 0


def test_moderation_by_an_editor_works(client, editor, hearing, django_capture_on_commit_callbacks):
    contribution = ContributionFactory(hearing=hearing)
    client.force_login(editor)
    # The action asks first: nothing changes until the confirmation page comes back applied.
    assert changelist_action(client, "publish", contribution).status_code == 200
    assert Contribution.objects.get().status == ContributionStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = changelist_action(client, "publish", contribution, apply="1")
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED
    assert Contribution.objects.get().published_at.date() <= datetime.date.today()


# Uploads -----------------------------------------------------------------------------------


def test_attachments_are_served_only_as_downloads_with_a_closed_policy(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contribution = ContributionFactory()
    contribution.attachment.save("<script>.pdf", ContentFile(b"%PDF-1.4 x"), save=True)
    url = f"/contributions/{contribution.reference}/attachment/"
    assert client.get(url).status_code == 404  # not published yet
    Contribution.objects.filter(pk=contribution.pk).update(
        status=ContributionStatus.PUBLISHED, published_at="2030-05-01T10:00:00Z", public=True
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{contribution.reference}.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    # The file's stored name is random, and the media folder itself is not served.
    assert "<script>" not in contribution.attachment.name
    assert client.get(f"/media/{contribution.attachment.name}").status_code == 404


# Stored XSS --------------------------------------------------------------------------------

IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert(1)>"
LINK = "[x](javascript:alert(1))"


def assert_inert(html, where):
    assert "<img src=x onerror" not in html, where
    assert "<svg onload" not in html, where
    assert 'href="javascript:' not in html.replace("'", '"'), where


def test_markup_typed_into_any_field_stays_text_on_every_page(
    client, editor, settings, django_capture_on_commit_callbacks
):
    from consultations.enums import RegistrationStatus
    from consultations.models import OutgoingEmail, Registration
    from consultations.services import decide_registration, moderate_contribution
    from consultations.tests.factories import RegistrationFactory
    from stakeholders.tests.factories import OrganizationFactory

    organization = OrganizationFactory(name=f"Org {IMG}", slug="org")
    hearing = HearingFactory(slug="xss", title=f"Hearing {SVG}")
    registration = RegistrationFactory(
        hearing=hearing,
        organization=organization,
        name=f"Name {IMG}",
        honorific=SVG,
        position=f"Position {SVG}",
        organization_name=IMG,
        accessibility_needs=f"{IMG}\n{SVG}",
        listed_publicly=True,
    )
    contribution = ContributionFactory(
        hearing=hearing,
        organization=organization,
        organization_name=IMG,
        author_name=f"Author {IMG}",
        title=f"Title {SVG}",
        body=f"{LINK}\n\n{IMG}\n\n{SVG}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_registration(registration, RegistrationStatus.APPROVED)
        moderate_contribution(contribution, ContributionStatus.PUBLISHED)
    contribution.refresh_from_db()
    public = [
        "/",
        "/hearings/",
        "/hearings/xss/",
        "/contributions/",
        contribution.get_absolute_url(),
        "/stakeholders/",
        "/stakeholders/org/",
    ]
    for path in public:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content.decode(), path)
        # Personal data stays out of public pages too.
        for private in (registration.email, contribution.author_email, "Position", "\n" + SVG):
            assert private not in response.content.decode(), (path, private)
    for path in ("/api/v1/contributions/", f"/api/v1/contributions/{contribution.reference}/"):
        response = client.get(path)
        assert response["Content-Type"] == "application/json", path
        assert contribution.author_email not in response.content.decode(), path
    with pytest.raises(AssertionError):
        assert_inert(f"<p>{IMG}</p>", "the check itself")
    client.force_login(editor)
    admin_pages = [
        reverse("admin:consultations_registration_changelist"),
        reverse("admin:consultations_registration_change", args=[registration.pk]),
        reverse("admin:consultations_contribution_changelist"),
        reverse("admin:consultations_contribution_change", args=[contribution.pk]),
    ]
    for path in admin_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content.decode(), path)
    for email in OutgoingEmail.objects.all():
        assert_inert(email.html, email.subject)
        assert "\n" not in email.subject
    assert Registration.objects.get().name == f"Name {IMG}"  # kept exactly, shown as text


# Email links -------------------------------------------------------------------------------


def test_email_links_come_from_settings_never_from_the_host_header(
    settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.SITE_URL = "https://hearings.example.org"
    settings.ALLOWED_HOSTS = ["localhost", "other.example.net"]
    hearing = open_hearing(slug="open")
    data = {
        "name": "Amina Diallo\r\nBcc: victim@example.net",
        "email": "amina@example.org",
        "category": "civil_society",
        "organization_text": "ICMC",
        "country": "SN",
        "privacy_consent": "on",
        "website": "",
    }
    client = Client(HTTP_HOST="other.example.net")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/hearings/{hearing.slug}/register/", data)
        client.post(f"/hearings/{hearing.slug}/register/", {**data, "name": "Amina Diallo"})
    # The confirmation, then the reminder that the address is already registered.
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        assert "https://hearings.example.org/registrations/status/" in email.body
        assert "other.example.net" not in email.body + email.alternatives[0][0]
        assert email.to == ["amina@example.org"]
        assert email.bcc == []
