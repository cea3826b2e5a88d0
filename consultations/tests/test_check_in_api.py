"""`POST /api/v1/hearings/<slug>/check-in/`: every answer (200, 409 for each reason, 404, 400,
401, 403), who may ask, what a check-in records, its query count, and two doors scanning the
same badge at once on PostgreSQL."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from consultations.badges import badge_token
from consultations.enums import RegistrationStatus
from consultations.models import Registration, StatusChange
from consultations.services import check_in
from consultations.tests.factories import HearingFactory, RegistrationFactory
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def registrant(hearing, status=RegistrationStatus.APPROVED, **fields):
    decided = status in RegistrationStatus.decided()
    return RegistrationFactory(
        hearing=hearing,
        status=status,
        decided_at=timezone.now() if decided else None,
        **fields,
    )


@pytest.fixture
def hearing():
    return HearingFactory(title="Hearing on migration", slug="migration", time_zone="Europe/Zurich")


@pytest.fixture
def ada(hearing):
    return registrant(
        hearing,
        name="Ada Lovelace",
        organization=OrganizationFactory(name="Analytical Society"),
    )


def scan(client, hearing, code):
    return client.post(
        f"/api/v1/hearings/{hearing.slug}/check-in/",
        {"code": code},
        content_type="application/json",
    )


def test_first_scan_checks_in_and_answers_who_it_is(client, door, hearing, ada):
    client.force_login(door)
    before = timezone.now()
    response = scan(client, hearing, badge_token(ada))
    assert response.status_code == 200
    body = response.json()
    ada.refresh_from_db()
    assert body == {
        "reference": ada.reference,
        "name": "Ada Lovelace",
        "organization": "Analytical Society",
        "category": "Civil society organization",
        "walk_in": False,
        "checked_in_at": body["checked_in_at"],
    }
    assert datetime.datetime.fromisoformat(body["checked_in_at"]) == ada.checked_in_at
    assert ada.checked_in_at >= before
    assert ada.checked_in_by == door
    assert ada.status == RegistrationStatus.APPROVED
    change = StatusChange.objects.get(registration=ada)
    assert (change.changed_by, change.reason) == (door, "Checked in at the door")


def test_typed_reference_checks_in_too(client, editor, hearing, ada):
    client.force_login(editor)
    response = scan(client, hearing, ada.reference.lower())
    assert response.status_code == 200
    assert response.json()["name"] == "Ada Lovelace"


def test_second_scan_answers_409_with_the_first_time(client, door, hearing, ada):
    client.force_login(door)
    first = scan(client, hearing, badge_token(ada)).json()
    response = scan(client, hearing, badge_token(ada))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "already_checked_in"
    assert body["checked_in_at"] == first["checked_in_at"]
    local = timezone.localtime(Registration.objects.get(pk=ada.pk).checked_in_at, hearing.zone)
    assert body["detail"] == f"Already checked in at {local:%H:%M} by door."
    assert StatusChange.objects.filter(registration=ada).count() == 1


@pytest.mark.parametrize(
    ("status", "code", "detail"),
    [
        (RegistrationStatus.CANCELLED, "cancelled", "Cancelled"),
        (RegistrationStatus.REJECTED, "rejected", "Not approved"),
        (RegistrationStatus.PENDING, "not_approved", "Not approved"),
        (RegistrationStatus.WAITLISTED, "not_approved", "Not approved"),
    ],
)
def test_registration_not_admissible_answers_409_with_the_reason(
    client, door, hearing, status, code, detail
):
    registration = registrant(hearing, status=status)
    client.force_login(door)
    response = scan(client, hearing, badge_token(registration))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail"]) == (
        "not_approved" if code == "rejected" else code,
        detail,
    )
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_badge_of_another_hearing_answers_409(client, door, hearing):
    elsewhere = registrant(HearingFactory(title="Another hearing"))
    client.force_login(door)
    response = scan(client, hearing, badge_token(elsewhere))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail"]) == (
        "another_hearing",
        "Another hearing",
    )
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


@pytest.mark.parametrize(
    "code",
    [
        "tampered",
        "{pk}:forgedsignature",
        "{token}x",
        "{pk}",
        "P0-2030-R99999",
        "XX-2030-R{pk:05d}",
        "",
        "x" * 5000,
    ],
)
def test_tampered_or_unknown_code_answers_404(client, door, hearing, ada, code):
    client.force_login(door)
    code = code.format(pk=ada.pk, token=badge_token(ada))
    response = scan(client, hearing, code)
    assert response.status_code == (400 if code == "" or len(code) > 200 else 404)
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_token_signed_for_something_else_is_unknown(client, door, hearing, ada):
    from django.core import signing

    client.force_login(door)
    other_salt = signing.Signer(salt="consultations.registration-status").sign(str(ada.pk))
    assert scan(client, hearing, other_salt).status_code == 404


def test_badge_token_holds_no_personal_data(ada):
    token = badge_token(ada)
    assert token.split(":")[0] == str(ada.pk)
    for personal in (ada.name, ada.email, ada.organization.name, "Ada", "Lovelace"):
        assert personal not in token


def test_malformed_body_answers_400(client, door, hearing):
    client.force_login(door)
    response = client.post(
        f"/api/v1/hearings/{hearing.slug}/check-in/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert client.post(f"/api/v1/hearings/{hearing.slug}/check-in/", {}).status_code in (400, 415)


def test_unknown_hearing_answers_404(client, door, ada):
    client.force_login(door)
    response = client.post(
        "/api/v1/hearings/no-such-hearing/check-in/",
        {"code": badge_token(ada)},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_anonymous_gets_401(client, hearing, ada):
    assert scan(client, hearing, badge_token(ada)).status_code == 401
    ada.refresh_from_db()
    assert ada.checked_in_at is None


@pytest.mark.parametrize("persona", ["viewer", "stakeholder"])
def test_viewer_and_outsider_get_403(client, request, hearing, ada, persona):
    client.force_login(request.getfixturevalue(persona))
    assert scan(client, hearing, badge_token(ada)).status_code == 403
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_token_authentication_works_for_door_staff(hearing, ada, door):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=door).key
    response = Client().post(
        f"/api/v1/hearings/{hearing.slug}/check-in/",
        {"code": badge_token(ada)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("registrations", [1, 40])
def test_scan_costs_the_same_whatever_the_hearing_size(client, door, hearing, registrations):
    for _n in range(registrations):
        registrant(hearing)
    ada = registrant(hearing, name="Ada Lovelace")
    client.force_login(door)
    scan(client, hearing, "warm-up")
    # 1 the session, 2 the user, 3 and 4 the user's own and their groups' permissions (the
    # check-in permission), 5 the hearing, 6 the registration locked with its hearing, process,
    # organization and who checked it in, 7 the page cache reading the row as it was before the
    # save (the pages to invalidate), 8 the update, 9 its history row, 10 its status change.
    with data_queries(10):
        response = scan(client, hearing, badge_token(ada))
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_doors_scanning_at_once_check_in_exactly_once(door, hearing, ada):
    """Two threads, two database connections: both read the badge before either writes. On
    PostgreSQL the row lock makes the second wait and then find it checked in."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time; the row lock is PostgreSQL's.")
    barrier = threading.Barrier(2)
    answers = []

    def door_scan():
        try:
            barrier.wait(timeout=10)
            answers.append(("checked in", check_in(hearing, badge_token(ada), door).checked_in_at))
        except Exception as error:  # the refusal is the answer being counted
            answers.append((getattr(error, "code", repr(error)), None))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=door_scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _at in answers) == ["already_checked_in", "checked in"]
    ada.refresh_from_db()
    assert ada.checked_in_at == next(at for kind, at in answers if kind == "checked in")
    assert StatusChange.objects.filter(registration=ada).count() == 1
