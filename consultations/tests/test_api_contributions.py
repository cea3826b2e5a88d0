"""Contributions and registrations through the API: the author as consented, nothing
unpublished for the public, staff-only registrations, and the actions that call the services."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from rest_framework import serializers

from consultations.enums import ContributionStatus, PublicationConsent, RegistrationStatus
from consultations.models import Contribution, Process, Registration, StatusChange
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    RegistrationFactory,
)
from stakeholders.api.serializers import OwnLinkField
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def published(**kwargs):
    kwargs.setdefault("country", "CH")
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


def test_public_contribution_shows_the_author_as_consented(client):
    hearing = HearingFactory(slug="geneva")
    fian = OrganizationFactory(slug="fian", name="FIAN International")
    named = published(hearing=hearing, organization=fian, consent=PublicationConsent.NAMED)
    org_only = published(
        hearing=hearing, organization=fian, consent=PublicationConsent.ORGANIZATION
    )
    anonymous = published(hearing=hearing, organization=fian, consent=PublicationConsent.ANONYMOUS)

    def author(contribution):
        body = client.get(f"/api/v1/contributions/{contribution.reference}/").json()
        assert "author_email" not in body and "status" not in body and "consent" not in body
        assert "ana@example.org" not in str(body)
        return body["author_name"], body["organization"], body["organization_name"]

    assert author(named) == ("Ana Gómez", "fian", "FIAN International")
    assert author(org_only) == (None, "fian", "FIAN International")
    assert author(anonymous) == (None, None, None)
    body = client.get(f"/api/v1/contributions/{named.reference}/").json()
    assert body["reference"] == named.reference
    assert body["hearing"] == "geneva"
    assert body["category"] == "civil_society"
    assert body["region"] == "europe"
    assert body["language"] == "en"
    assert body["url"] == f"http://testserver/api/v1/contributions/{named.reference}/"
    assert body["attachment"] is None


@pytest.mark.parametrize(
    "state",
    [
        ContributionStatus.SUBMITTED,
        ContributionStatus.UNDER_REVIEW,
        ContributionStatus.REJECTED,
        ContributionStatus.WITHDRAWN,
    ],
)
def test_unpublished_contributions_are_404_for_the_public(client, stakeholder, state):
    hidden = ContributionFactory(status=state)
    assert client.get("/api/v1/contributions/").json()["count"] == 0
    assert client.get(f"/api/v1/contributions/{hidden.reference}/").status_code == 404
    client.force_login(stakeholder)
    assert client.get(f"/api/v1/contributions/{hidden.reference}/").status_code == 404


def test_contributions_to_an_unpublished_hearing_stay_hidden(client):
    hidden = published(hearing=HearingFactory(published=False))
    assert client.get(f"/api/v1/contributions/{hidden.reference}/").status_code == 404


def test_client_filters_contributions_by_category_and_downloads_csv(client):
    hearing = HearingFactory(slug="geneva")
    ngo = published(hearing=hearing, title="From civil society")
    published(hearing=hearing, title="From business", category=StakeholderCategory.PRIVATE_SECTOR)
    ContributionFactory(hearing=hearing, title="Not yet published")
    body = client.get("/api/v1/contributions/?category=civil_society").json()
    assert [c["title"] for c in body["results"]] == ["From civil society"]
    assert client.get("/api/v1/contributions/?category=nonsense").json()["count"] == 0
    assert client.get("/api/v1/contributions/?hearing=geneva").json()["count"] == 2
    assert client.get("/api/v1/contributions/?region=europe&language=en").json()["count"] == 2
    assert client.get("/api/v1/contributions/?q=pathways").json()["count"] == 2
    assert client.get("/api/v1/contributions/?q=business").json()["count"] == 1
    # Status is for staff: the public filter does not know it, and shows published ones only.
    assert client.get("/api/v1/contributions/?status=submitted").json()["count"] == 2

    response = client.get("/api/v1/contributions/?category=civil_society&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="contribution.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "url,reference,title,hearing,segment,category,region,country,language,published_at,"
        "author_name,organization,organization_name,excerpt,body,attachment,campaign,campaign_size"
    )
    assert len(lines) == 2
    assert f",{ngo.reference},From civil society,geneva,,civil_society,europe,CH,en," in lines[1]


def test_staff_filter_contributions_by_status(client, viewer):
    ContributionFactory(title="Waiting")
    published(title="Out")
    client.force_login(viewer)
    body = client.get("/api/v1/contributions/?status=submitted").json()
    assert [(c["title"], c["status"]) for c in body["results"]] == [("Waiting", "submitted")]
    assert client.get("/api/v1/contributions/").json()["count"] == 2


def test_each_row_of_a_list_links_its_own_page(client):
    """The link is reversed once per response (stakeholders.api.serializers.OwnLinkField) and
    each row's reference put in: every row's link is its own and opens it."""
    rows = [published() for _n in range(3)]
    body = client.get("/api/v1/contributions/").json()
    links = {row["reference"]: row["url"] for row in body["results"]}
    assert links == {
        row.reference: f"http://testserver/api/v1/contributions/{row.reference}/" for row in rows
    }
    for reference, link in links.items():
        assert client.get(link).json()["reference"] == reference
    hearings = client.get("/api/v1/hearings/").json()["results"]
    assert {row["url"] for row in hearings} == {
        f"http://testserver/api/v1/hearings/{row.hearing.slug}/" for row in rows
    }


@pytest.mark.parametrize("host", ["testserver", "0slot0.example.org"])
def test_own_links_are_the_links_drf_gives(rf, settings, host):
    """Whatever the host (it may hold the slot's letters) and the value (one Django quotes, or
    the route refuses, takes DRF's own way)."""
    settings.ALLOWED_HOSTS = ["*"]
    request = rf.get("/api/v1/processes/", HTTP_HOST=host)
    ours = OwnLinkField(view_name="api:process-detail", lookup_field="code")
    drfs = serializers.HyperlinkedIdentityField(view_name="api:process-detail", lookup_field="code")
    # Unsaved: the database refuses any code but letters and digits; the field must not rely
    # on it.
    for pk, code in enumerate(["GCM", "P2", "P-2", "A&B", "A:B", "Ñ1"], start=1):
        process = Process(pk=pk, code=code)
        assert ours.get_url(process, ours.view_name, request, None) == drfs.get_url(
            process, drfs.view_name, request, None
        )
    assert ours.get_url(process, ours.view_name, request, None).startswith(f"http://{host}/")


@pytest.mark.parametrize("rows", [5, 500])
def test_contribution_list_runs_a_fixed_number_of_queries(client, rows):
    hearing = HearingFactory()
    organization = OrganizationFactory()
    now = timezone.now()
    for _n in range(rows):
        ContributionFactory(
            hearing=hearing,
            organization=organization,
            status=ContributionStatus.PUBLISHED,
            published_at=now,
        )
    # 1 count, 2 the page with hearing and organization, 3 the sizes of its campaign groups
    with data_queries(3):
        body = client.get("/api/v1/contributions/?page_size=100").json()
    assert body["count"] == rows
    assert len(body["results"]) == min(rows, 100)


def test_staff_moderate_a_contribution_through_the_service(
    client, editor, django_capture_on_commit_callbacks
):
    contribution = ContributionFactory()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/contributions/{contribution.reference}/moderate/",
            {"status": "published"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED
    assert contribution.moderated_by == editor
    change = StatusChange.objects.get(contribution=contribution)
    assert (change.previous_status, change.new_status, change.changed_by) == (
        "submitted",
        "published",
        editor,
    )
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    client.logout()
    assert client.get(f"/api/v1/contributions/{contribution.reference}/").status_code == 200


def test_a_refused_moderation_is_a_409_with_the_sentence(client, editor):
    contribution = ContributionFactory(status=ContributionStatus.WITHDRAWN)
    client.force_login(editor)
    response = client.post(
        f"/api/v1/contributions/{contribution.reference}/moderate/",
        {"status": "published"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This contribution is withdrawn: it cannot become published.",
        "code": "transition_refused",
    }
    other = ContributionFactory()
    response = client.post(
        f"/api/v1/contributions/{other.reference}/moderate/",
        {"status": "rejected"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "Give the author a reason for the rejection."
    assert StatusChange.objects.count() == 0
    assert Contribution.objects.filter(status=ContributionStatus.SUBMITTED).count() == 1


def test_bad_moderation_input_changes_nothing(client, editor):
    contribution = ContributionFactory()
    client.force_login(editor)
    url = f"/api/v1/contributions/{contribution.reference}/moderate/"
    for payload, errors in [
        ({"status": "gone"}, {"status": ['"gone" is not a valid choice.']}),
        ({}, {"status": ["This field is required."]}),
        ({"status": "published", "by": "x"}, {"by": ["This field does not exist."]}),
    ]:
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == errors
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED


def test_only_staff_with_the_change_permission_moderate(client, viewer, stakeholder):
    contribution = ContributionFactory()
    url = f"/api/v1/contributions/{contribution.reference}/moderate/"
    assert (
        client.post(url, {"status": "published"}, content_type="application/json").status_code
        == 401
    )
    for user, code in [(stakeholder, 403), (viewer, 403)]:
        client.force_login(user)
        assert (
            client.post(url, {"status": "published"}, content_type="application/json").status_code
            == code
        )
    assert (
        client.post("/api/v1/contributions/", {}, content_type="application/json").status_code
        == 403
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED


def test_the_add_permission_alone_does_not_moderate(client, django_user_model):
    """Moderating moves a contribution's status: it asks for the change permission, as the back
    office's actions do, not the add permission a POST asks for by default."""
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="consultations",
            codename__in=["view_contribution", "add_contribution"],
        )
    )
    contribution = ContributionFactory()
    client.force_login(clerk)
    url = f"/api/v1/contributions/{contribution.reference}/moderate/"
    response = client.post(url, {"status": "published"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED
    assert StatusChange.objects.count() == 0


def test_registrations_are_never_shown_to_the_public(client, stakeholder):
    registration = RegistrationFactory()
    for url in ["/api/v1/registrations/", f"/api/v1/registrations/{registration.pk}/"]:
        assert client.get(url).status_code == 401
    client.force_login(stakeholder)
    for url in ["/api/v1/registrations/", f"/api/v1/registrations/{registration.pk}/"]:
        assert client.get(url).status_code == 403


def test_staff_read_registrations_and_filter_them(client, viewer):
    hearing = HearingFactory(slug="geneva")
    registration = RegistrationFactory(hearing=hearing, name="Ana", email="ana@example.org")
    RegistrationFactory(status=RegistrationStatus.REJECTED, decided_at=timezone.now())
    client.force_login(viewer)
    body = client.get("/api/v1/registrations/?hearing=geneva").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["name"], row["email"], row["status"], row["reference"]) == (
        "Ana",
        "ana@example.org",
        "pending",
        registration.reference,
    )
    assert client.get("/api/v1/registrations/?status=rejected").json()["count"] == 1
    assert client.get("/api/v1/registrations/?status=nonsense").json()["count"] == 0


@pytest.mark.parametrize("rows", [5, 500])
def test_registration_list_runs_a_fixed_number_of_queries(client, viewer, rows):
    hearing = HearingFactory()
    organization = OrganizationFactory()
    for _n in range(rows):
        RegistrationFactory(hearing=hearing, organization=organization)
    client.force_login(viewer)
    # 1 the session, 2 the user, 3 and 4 the user's and groups' permissions, 5 count, 6 the page
    # with hearing, process and organization
    with data_queries(6):
        body = client.get("/api/v1/registrations/?page_size=100").json()
    assert body["count"] == rows


def test_staff_decide_a_registration_through_the_service(
    client, editor, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(email="ana@example.org")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/registrations/{registration.pk}/decide/",
            {"status": "approved", "reason": "Welcome."},
            content_type="application/json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by) == (RegistrationStatus.APPROVED, editor)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_a_full_hearing_refuses_an_approval_with_409(client, editor):
    hearing = HearingFactory(capacity=1)
    RegistrationFactory(
        hearing=hearing, status=RegistrationStatus.APPROVED, decided_at=timezone.now()
    )
    waiting = RegistrationFactory(hearing=hearing)
    client.force_login(editor)
    response = client.post(
        f"/api/v1/registrations/{waiting.pk}/decide/",
        {"status": "approved"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The hearing is full: its one seat is taken.",
        "code": "hearing_full",
    }
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.PENDING
    assert mail.outbox == []


def test_viewers_cannot_decide_and_registrations_cannot_be_written(client, viewer, editor):
    registration = RegistrationFactory()
    client.force_login(viewer)
    response = client.post(
        f"/api/v1/registrations/{registration.pk}/decide/",
        {"status": "approved"},
        content_type="application/json",
    )
    assert response.status_code == 403
    client.force_login(editor)
    response = client.patch(
        f"/api/v1/registrations/{registration.pk}/",
        {"status": "approved"},
        content_type="application/json",
    )
    assert response.status_code == 405
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert Registration.objects.count() == 1
