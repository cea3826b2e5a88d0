"""NUL bytes, lone surrogates and bytes that are not UTF-8, POSTed in form fields (URL-encoded and
multipart) and in JSON bodies: a form error or a 400, never a server error, never a stored row.
The bodies are built by hand, as raw bytes, because no well-behaved client can send them."""

import json
from urllib.parse import quote_from_bytes

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consultations.enums import ContributionStatus, PublicationConsent, RegistrationStatus
from consultations.models import (
    Contribution,
    Hearing,
    Process,
    Registration,
    Segment,
    StatusChange,
)
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    ProcessFactory,
    RegistrationFactory,
)
from consultations.tests.forms_support import open_hearing
from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization, Person

pytestmark = pytest.mark.django_db

UNREADABLE = "This text holds characters that could not be read: please type them again."
NUL_ERROR = "Null characters are not allowed."

# Raw bytes inside a field value: a NUL, a lone surrogate (UTF-8 encoded, which UTF-8 forbids),
# a byte that starts no character, a truncated sequence, and an overlong encoding of "/".
BAD_BYTES = {
    "nul": b"Ana\x00Gomez",
    "lone-surrogate": b"Ana \xed\xa0\x80 Gomez",
    "invalid-byte": b"Ana \xff Gomez",
    "truncated": b"Ana \xc3",
    "overlong": b"Ana \xc0\xaf Gomez",
}


@pytest.fixture(autouse=True)
def fresh_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hearing():
    return open_hearing(slug="bytes")


def registration_fields():
    return {
        "honorific": "Ms.",
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "position": "Policy officer",
        "category": StakeholderCategory.CIVIL_SOCIETY,
        "organization_text": "ICMC",
        "country": "SN",
        "accessibility_needs": "Captioning",
        "privacy_consent": "on",
        "website": "",
    }


def contribution_fields():
    return {
        "author_name": "Ana Gómez",
        "author_email": "ana@example.org",
        "organization_text": "ICMC",
        "category": "civil_society",
        "country": "MX",
        "language": "es",
        "title": "Regular pathways",
        "segment": "",
        "body": "We recommend regular pathways for migrant workers, and fair recruitment.",
        "consent": PublicationConsent.ORGANIZATION,
        "website": "",
    }


def urlencoded(fields, bad_field, bad_value):
    pairs = []
    for name, value in fields.items():
        raw = bad_value if name == bad_field else value.encode()
        pairs.append(f"{name}={quote_from_bytes(raw)}")
    return "&".join(pairs).encode("ascii")


def multipart(fields, bad_field, bad_value, boundary="BoUnDaRy"):
    parts = []
    for name, value in fields.items():
        raw = bad_value if name == bad_field else value.encode()
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + raw
            + b"\r\n"
        )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_raw(url, body, content_type):
    return Client(raise_request_exception=False).generic(
        "POST", url, body, content_type=content_type
    )


def refused_in_form(response, field):
    """A form error on `field`, or a 400; and never anything else."""
    if response.status_code == 400:
        return True
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors
    assert field in errors, errors
    return True


FORMS = {
    "registration": (
        "consultations:register",
        registration_fields,
        [
            "honorific",
            "name",
            "email",
            "position",
            "organization_text",
            "accessibility_needs",
            "category",
            "country",
        ],
        Registration,
    ),
    "contribution": (
        "consultations:contribute",
        contribution_fields,
        [
            "author_name",
            "author_email",
            "organization_text",
            "title",
            "body",
            "category",
            "country",
            "language",
            "segment",
            "consent",
        ],
        Contribution,
    ),
}


def cases():
    for form, (_, _, fields, _) in FORMS.items():
        for field in fields:
            for kind in BAD_BYTES:
                yield pytest.param(form, field, kind, id=f"{form}-{field}-{kind}")


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize(("form", "field", "kind"), list(cases()))
def test_bad_bytes_in_a_form_field_are_a_form_error(hearing, form, field, kind, encoding):
    url_name, fields, _, model = FORMS[form]
    url = reverse(url_name, args=[hearing.slug])
    if encoding == "urlencoded":
        body = urlencoded(fields(), field, BAD_BYTES[kind])
        content_type = "application/x-www-form-urlencoded"
    else:
        body, content_type = multipart(fields(), field, BAD_BYTES[kind])
    response = post_raw(url, body, content_type)
    assert refused_in_form(response, field)
    assert model.objects.count() == 0


@pytest.mark.parametrize("field", ["name", "accessibility_needs"])
def test_the_sentence_for_unreadable_and_nul_characters(hearing, field):
    url = reverse("consultations:register", args=[hearing.slug])
    response = post_raw(
        url,
        urlencoded(registration_fields(), field, b"Ana \xff Diallo"),
        "application/x-www-form-urlencoded",
    )
    assert response.context["form"].errors[field] == [UNREADABLE]
    response = post_raw(
        url,
        urlencoded(registration_fields(), field, b"Ana\x00Diallo"),
        "application/x-www-form-urlencoded",
    )
    assert response.context["form"].errors[field] == [NUL_ERROR]


def test_the_control_form_is_accepted(hearing):
    """The same raw bodies, with nothing wrong in them, are stored: the refusals above are about
    the bytes, not about the way the bodies are built."""
    url = reverse("consultations:contribute", args=[hearing.slug])
    body, content_type = multipart(contribution_fields(), None, b"")
    assert post_raw(url, body, content_type).status_code == 302
    assert Contribution.objects.get().author_name == "Ana Gómez"
    url = reverse("consultations:register", args=[hearing.slug])
    body = urlencoded(registration_fields(), None, b"")
    assert post_raw(url, body, "application/x-www-form-urlencoded").status_code == 302
    assert Registration.objects.get().name == "Amina Diallo"


def test_bad_bytes_in_a_field_name_change_nothing(hearing):
    url = reverse("consultations:register", args=[hearing.slug])
    body = urlencoded(registration_fields(), None, b"") + b"&na%00me=x&%ff%fe=y&%ed%a0%80=z"
    response = post_raw(url, body, "application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert list(Registration.objects.values_list("name", flat=True)) == ["Amina Diallo"]


@pytest.mark.parametrize(
    "path", ["/admin/login/", "/i18n/setlang/", "/language/fr/", "/hearings/bytes/preview/"]
)
@pytest.mark.parametrize("kind", list(BAD_BYTES))
def test_bad_bytes_posted_anywhere_else_are_no_server_error(hearing, path, kind):
    body = b"username=" + quote_from_bytes(BAD_BYTES[kind]).encode() + b"&password=x&language="
    body += (
        quote_from_bytes(BAD_BYTES[kind]).encode()
        + b"&body="
        + quote_from_bytes(BAD_BYTES[kind]).encode()
    )
    response = post_raw(path, body, "application/x-www-form-urlencoded")
    assert response.status_code < 500, (path, kind, response.status_code)


# JSON ----------------------------------------------------------------------------------------

# Escapes JSON allows but no stored text may hold: NUL and lone surrogates of either half.
BAD_ESCAPES = {
    "nul": "Ana\\u0000Gomez",
    "high-surrogate": "Ana \\ud800 Gomez",
    "low-surrogate": "Ana \\udfff Gomez",
    "reversed-pair": "Ana \\udc00\\ud800 Gomez",
}
# Bytes that make the body itself something other than UTF-8.
BAD_BODY_BYTES = {
    "invalid-byte": b"Ana \xff Gomez",
    "lone-surrogate": b"Ana \xed\xa0\x80 Gomez",
    "truncated": b"Ana \xc3",
}


def json_with(payload, field, raw):
    """`payload` as JSON bytes with `field`'s string replaced by `raw` (bytes, inserted as is)."""
    marker = "@@BAD@@"
    text = json.dumps({**payload, field: marker})
    return text.encode().replace(marker.encode(), raw)


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def api_writes():
    """(path, method, payload, field, model) for every JSON write the API takes."""
    return [
        (
            "/api/v1/processes/",
            "POST",
            lambda: {"slug": "p", "code": "PX", "title": "Process", "description": ""},
            ["title", "description", "slug", "code", "mandate_reference"],
            Process,
        ),
        (
            "/api/v1/organizations/",
            "POST",
            lambda: {"slug": "o", "name": "Org", "category": "civil_society", "country": "SN"},
            ["name", "acronym", "slug", "category", "country", "website"],
            Organization,
        ),
        (
            "/api/v1/people/",
            "POST",
            lambda: {"slug": "ana", "name": "Ana", "position": "Director"},
            ["name", "honorific", "position", "slug", "organization", "email"],
            Person,
        ),
        (
            "/api/v1/hearings/",
            "POST",
            lambda: {
                "slug": "h2",
                "title": "Hearing",
                "process": "gcm",
                "date": "2030-03-01",
                "venue": "Room 4",
                "city": "New York",
                "country": "US",
                "time_zone": "America/New_York",
                "published": True,
            },
            ["title", "venue", "city", "slug", "process", "date", "time_zone", "country"],
            Hearing,
        ),
        (
            "/api/v1/segments/",
            "POST",
            lambda: {"hearing": "bytes", "order": 1, "kind": "panel", "title": "Panel"},
            ["title", "summary", "hearing", "kind"],
            Segment,
        ),
    ]


def json_cases():
    for path, method, payload, fields, model in api_writes():
        for field in fields:
            for kind, escape in BAD_ESCAPES.items():
                yield pytest.param(
                    path,
                    method,
                    payload,
                    field,
                    escape.encode(),
                    model,
                    id=f"{path}-{field}-{kind}",
                )
            for kind, raw in BAD_BODY_BYTES.items():
                yield pytest.param(
                    path, method, payload, field, raw, model, id=f"{path}-{field}-{kind}"
                )


@pytest.mark.parametrize(("path", "method", "payload", "field", "raw", "model"), list(json_cases()))
def test_bad_characters_in_json_writes_are_a_bad_request(
    hearing, staff, path, method, payload, field, raw, model
):
    ProcessFactory(slug="gcm")
    before = model.objects.count()
    staff.raise_request_exception = False
    response = staff.generic(
        method, path, json_with(payload(), field, raw), content_type="application/json"
    )
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert model.objects.count() == before


@pytest.mark.parametrize(
    "raw", [*(e.encode() for e in BAD_ESCAPES.values()), *BAD_BODY_BYTES.values()]
)
def test_bad_characters_in_the_token_request_are_a_bad_request(editor, raw):
    client = Client(raise_request_exception=False)
    body = json_with({"password": "pw-editor-1"}, "username", raw)
    response = client.generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]


@pytest.mark.parametrize(
    "raw", [*(e.encode() for e in BAD_ESCAPES.values()), *BAD_BODY_BYTES.values()]
)
def test_bad_characters_in_moderation_and_decisions_are_a_bad_request(staff, raw):
    hearing = HearingFactory()
    contribution = ContributionFactory(hearing=hearing, status=ContributionStatus.SUBMITTED)
    registration = RegistrationFactory(hearing=hearing, status=RegistrationStatus.PENDING)
    staff.raise_request_exception = False
    for path, payload in [
        (f"/api/v1/contributions/{contribution.reference}/moderate/", {"status": "rejected"}),
        (f"/api/v1/registrations/{registration.pk}/decide/", {"status": "rejected"}),
    ]:
        for field in ("reason", "status"):
            body = json_with(payload, field, raw)
            response = staff.generic("POST", path, body, content_type="application/json")
            assert response.status_code == 400, (path, field, response.content[:300])
    contribution.refresh_from_db()
    registration.refresh_from_db()
    assert (contribution.status, registration.status) == (
        ContributionStatus.SUBMITTED,
        RegistrationStatus.PENDING,
    )
    assert StatusChange.objects.count() == 0


# Deep nesting: 2 KB of brackets once exhausted Python's stack while the body was parsed.
TOO_DEEP = "The JSON is nested more than 32 levels deep, which no request to this API needs."
DEEP_BODIES = {
    "1000-lists": b"[" * 1000 + b"]" * 1000,
    "1000-lists-unclosed": b"[" * 1000,
    "100000-lists": b"[" * 100_000 + b"]" * 100_000,
    "1000-objects": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "400-lists-in-a-field": b'{"status": ' + b"[" * 400 + b"]" * 400 + b"}",
    "33-lists": b"[" * 33 + b"]" * 33,
}


def assert_too_deep(response):
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": TOO_DEEP}


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
def test_deeply_nested_json_to_the_token_endpoint_is_a_bad_request(body):
    client = Client(raise_request_exception=False)
    response = client.generic("POST", "/api/v1/auth/token/", body, content_type="application/json")
    assert_too_deep(response)


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
def test_deeply_nested_json_to_staff_endpoints_is_a_bad_request(staff, body):
    hearing = HearingFactory(slug="deep")
    contribution = ContributionFactory(hearing=hearing, status=ContributionStatus.SUBMITTED)
    registration = RegistrationFactory(hearing=hearing, status=RegistrationStatus.PENDING)
    staff.raise_request_exception = False
    for method, path in [
        ("POST", "/api/v1/processes/"),
        ("POST", "/api/v1/hearings/"),
        ("PATCH", "/api/v1/hearings/deep/"),
        ("PUT", "/api/v1/hearings/deep/"),
        ("POST", "/api/v1/segments/"),
        ("POST", "/api/v1/organizations/"),
        ("POST", "/api/v1/people/"),
        ("POST", f"/api/v1/contributions/{contribution.reference}/moderate/"),
        ("POST", f"/api/v1/registrations/{registration.pk}/decide/"),
    ]:
        response = staff.generic(method, path, body, content_type="application/json")
        assert_too_deep(response)


def test_json_nested_32_levels_deep_is_read(staff):
    """The bound leaves room: 32 levels reach the serializer, which names the field."""
    registration = RegistrationFactory(status=RegistrationStatus.PENDING)
    body = b'{"status": ' + b"[" * 31 + b"]" * 31 + b"}"
    response = staff.generic(
        "POST", f"/api/v1/registrations/{registration.pk}/decide/", body, "application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["status"]
