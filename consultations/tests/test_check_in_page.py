"""The check-in page at the door: typed reference and name search without JavaScript, walk-ins,
who may use it; the door role's limits, one test per thing it may not do; attendance in the
statistics, the dashboard and the exports; and the page in real Chromium on a 375 px phone, with
and without JavaScript."""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from consultations.badges import badge_token
from consultations.enums import ContributionStatus, RegistrationStatus
from consultations.exports import REGISTRATION_COLUMNS
from consultations.models import Registration, StatusChange
from consultations.roles import DOOR
from consultations.services import check_in
from consultations.statistics import who_was_heard
from consultations.tests.factories import ContributionFactory, HearingFactory, RegistrationFactory
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.api_support import data_queries, fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PHONE = {"width": 375, "height": 740}


def approved(hearing, name, **fields):
    return RegistrationFactory(
        hearing=hearing,
        name=name,
        status=RegistrationStatus.APPROVED,
        decided_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def hearing():
    return HearingFactory(title="Hearing on migration", slug="migration", time_zone="Europe/Zurich")


@pytest.fixture
def ada(hearing):
    return approved(
        hearing, "Ada Lovelace", organization=OrganizationFactory(name="Analytical Society")
    )


def page_url(hearing):
    return f"/hearings/{hearing.slug}/check-in/"


def answer(response):
    content = response.content.decode()
    colour = re.search(r'class="answer answer-(\w+)"', content)
    return colour[1] if colour else None, content


# Without JavaScript -----------------------------------------------------------------------------


def test_typed_reference_checks_in_green(client, door, hearing, ada):
    client.force_login(door)
    response = client.post(page_url(hearing), {"action": "check_in", "code": ada.reference})
    colour, content = answer(response)
    assert (response.status_code, colour) == (200, "green")
    assert "Checked in" in content
    assert "Ada Lovelace" in content
    assert "Analytical Society · Civil society organization" in content
    ada.refresh_from_db()
    assert ada.checked_in_by == door


def test_second_time_is_amber_with_time_and_who(client, door, hearing, ada):
    client.force_login(door)
    client.post(page_url(hearing), {"action": "check_in", "code": badge_token(ada)})
    response = client.post(page_url(hearing), {"action": "check_in", "code": ada.reference})
    colour, content = answer(response)
    assert (response.status_code, colour) == (409, "amber")
    ada.refresh_from_db()
    time = timezone.localtime(ada.checked_in_at, hearing.zone).strftime("%H:%M")
    assert f"Already checked in at {time} by door." in content


@pytest.mark.parametrize(
    ("status", "headline"),
    [(RegistrationStatus.CANCELLED, "Cancelled"), (RegistrationStatus.PENDING, "Not approved")],
)
def test_inadmissible_registration_is_red(client, door, hearing, status, headline):
    registration = RegistrationFactory(hearing=hearing, status=status)
    client.force_login(door)
    response = client.post(
        page_url(hearing), {"action": "check_in", "code": registration.reference}
    )
    colour, content = answer(response)
    assert (response.status_code, colour) == (409, "red")
    assert f'<p class="answer-headline">{headline}</p>' in content


def test_another_hearings_badge_is_red(client, door, hearing):
    elsewhere = approved(HearingFactory(), "Elsewhere Person")
    client.force_login(door)
    response = client.post(
        page_url(hearing), {"action": "check_in", "code": badge_token(elsewhere)}
    )
    colour, content = answer(response)
    assert (response.status_code, colour) == (409, "red")
    assert '<p class="answer-headline">Another hearing</p>' in content


def test_unknown_code_is_red_and_kept_in_the_field(client, door, hearing):
    client.force_login(door)
    response = client.post(page_url(hearing), {"action": "check_in", "code": "GCM-1999-R<b>"})
    colour, content = answer(response)
    assert (response.status_code, colour) == (404, "red")
    assert '<p class="answer-headline">Unknown badge</p>' in content
    assert 'value="GCM-1999-R&lt;b&gt;"' in content


def test_name_search_lists_matches_each_with_a_check_in_button(client, door, hearing, ada):
    approved(hearing, "Bob Brown")
    approved(HearingFactory(), "Ada Other-Hearing")
    client.force_login(door)
    response = client.get(page_url(hearing), {"q": "ada"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in content
    assert "Bob Brown" not in content
    assert "Ada Other-Hearing" not in content
    assert f'name="code" value="{ada.reference}"' in content
    by_organization = client.get(page_url(hearing), {"q": "analytical"}).content.decode()
    assert "Ada Lovelace" in by_organization
    nobody = client.get(page_url(hearing), {"q": "zzz"}).content.decode()
    assert "Nobody registered for this hearing matches." in nobody


@pytest.mark.parametrize("matches", [2, 15])
def test_name_search_costs_the_same_however_many_match(client, door, hearing, matches):
    for n in range(matches):
        approved(hearing, f"Searched Person {n}")
    client.force_login(door)
    client.get(page_url(hearing))
    # 1 the session, 2 the user, 3 and 4 the user's own and their groups' permissions, 5 the
    # hearing with its process, 6 the matches with their hearing, process and organization.
    with data_queries(6):
        response = client.get(page_url(hearing), {"q": "searched person"})
    assert response.content.decode().count('class="result-name"') == matches


def test_page_loads_its_scripts_from_the_site_only(client, door, hearing):
    client.force_login(door)
    content = client.get(page_url(hearing)).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', content)
    assert [re.sub(r"\.[0-9a-f]{12}\.js$", ".js", script) for script in scripts] == [
        "/static/js/error-summary.js",  # every page's, for the forms' error summary
        "/static/vendor/html5-qrcode/html5-qrcode.min.js",
        "/static/js/check-in.js",
    ]
    assert "<script>" not in content and " style=" not in content
    assert finders.find("vendor/html5-qrcode/html5-qrcode.min.js")
    assert f'data-api="/api/v1/hearings/{hearing.slug}/check-in/"' in content


# Walk-ins ----------------------------------------------------------------------------------------


def walk_in_data(**fields):
    return {
        "action": "walk_in",
        "honorific": "Ms.",
        "name": "Wanda Walker",
        "email": "wanda@example.org",
        "organization_text": "Walkers United",
        "category": StakeholderCategory.CIVIL_SOCIETY,
        "country": "KE",
        "privacy_consent": "on",
        **fields,
    }


def test_walk_in_is_registered_approved_and_checked_in(
    client, door, hearing, django_capture_on_commit_callbacks
):
    client.force_login(door)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(hearing), walk_in_data())
    colour, content = answer(response)
    assert (response.status_code, colour) == (200, "green")
    assert "Wanda Walker" in content and "walk-in" in content
    wanda = Registration.objects.get(email="wanda@example.org")
    assert (wanda.status, wanda.walk_in, wanda.checked_in_by) == (
        RegistrationStatus.APPROVED,
        True,
        door,
    )
    assert wanda.decided_by == door and wanda.privacy_consent_at is not None
    moves = list(
        StatusChange.objects.filter(registration=wanda)
        .order_by("pk")
        .values_list("previous_status", "new_status", "changed_by")
    )
    assert moves == [
        ("", "pending", door.pk),
        ("pending", "approved", door.pk),
        ("approved", "approved", door.pk),
    ]
    assert [email.to for email in mail.outbox] == [["wanda@example.org"]] * 2


def test_walk_in_refused_when_the_hearing_is_full_keeps_what_was_typed(client, door):
    full = HearingFactory(capacity=1, slug="full-hearing")
    approved(full, "Seat Holder")
    client.force_login(door)
    response = client.post(page_url(full), walk_in_data())
    content = response.content.decode()
    assert response.status_code == 409
    assert "The hearing is full: its one seat is taken." in content
    assert 'value="wanda@example.org"' in content
    assert not Registration.objects.filter(email="wanda@example.org").exists()


def test_walk_in_already_registered_is_refused(client, door, hearing, ada):
    client.force_login(door)
    response = client.post(page_url(hearing), walk_in_data(email=ada.email.upper()))
    assert response.status_code == 409
    assert "already registered for this hearing" in response.content.decode()
    assert Registration.objects.filter(hearing=hearing).count() == 1


def test_walk_in_with_a_missing_field_is_shown_again(client, door, hearing):
    client.force_login(door)
    response = client.post(page_url(hearing), walk_in_data(name="", privacy_consent=""))
    content = response.content.decode()
    assert response.status_code == 400
    assert 'value="wanda@example.org"' in content
    assert "Please confirm the person accepts the privacy notice." in content
    assert not Registration.objects.exists()


# Who may use it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["door", "editor"])
def test_door_staff_and_editors_use_the_page(client, request, hearing, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(hearing)).status_code == 200


@pytest.mark.parametrize("persona", ["viewer", "stakeholder"])
def test_viewers_and_outsiders_may_not(client, request, hearing, ada, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(hearing)).status_code == 403
    assert client.post(page_url(hearing), {"code": ada.reference}).status_code == 403
    ada.refresh_from_db()
    assert ada.checked_in_at is None


def test_anonymous_is_sent_to_sign_in(client, hearing):
    response = client.get(page_url(hearing))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={page_url(hearing)}"


def test_door_staff_do_not_find_unpublished_hearings(client, door):
    draft = HearingFactory(published=False, slug="draft-hearing")
    client.force_login(door)
    assert client.get(page_url(draft)).status_code == 404


def test_create_staff_user_makes_door_staff(django_user_model, monkeypatch):
    monkeypatch.setenv("DOOR_PASSWORD", "a-long-door-password-1")
    call_command(
        "create_staff_user", "porter", "--role", "door", "--password-from-env", "DOOR_PASSWORD"
    )
    porter = django_user_model.objects.get(username="porter")
    assert porter.is_staff and not porter.is_superuser
    assert [g.name for g in porter.groups.all()] == [DOOR]
    assert porter.get_all_permissions() == {"consultations.check_in_registration"}


def test_editors_may_check_in_too(editor):
    assert editor.has_perm("consultations.check_in_registration")
    assert Group.objects.get(name=DOOR).permissions.count() == 1


# The door role may do nothing else: one test per thing --------------------------------------------


@pytest.mark.parametrize(
    "changelist",
    [
        "consultations/registration",
        "consultations/contribution",
        "consultations/hearing",
        "consultations/statuschange",
        "consultations/outgoingemail",
        "stakeholders/organization",
        "stakeholders/person",
    ],
)
def test_door_staff_see_no_admin_changelist(client, door, changelist):
    client.force_login(door)
    assert client.get(f"/admin/{changelist}/").status_code == 403


def test_door_staff_cannot_open_a_registration_in_the_admin(client, door, ada):
    client.force_login(door)
    assert client.get(f"/admin/consultations/registration/{ada.pk}/change/").status_code == 403


def test_door_staff_cannot_decide_a_registration_in_the_admin(client, door, hearing):
    pending = RegistrationFactory(hearing=hearing)
    client.force_login(door)
    response = client.post(
        "/admin/consultations/registration/",
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING


def test_door_staff_cannot_decide_through_the_api(client, door, hearing):
    pending = RegistrationFactory(hearing=hearing)
    client.force_login(door)
    response = client.post(
        f"/api/v1/registrations/{pending.pk}/decide/",
        {"status": "approved", "reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING


def test_door_staff_cannot_moderate_in_the_admin(client, door, hearing):
    contribution = ContributionFactory(hearing=hearing)
    client.force_login(door)
    response = client.post(
        "/admin/consultations/contribution/",
        {"action": "publish", "_selected_action": [contribution.pk]},
    )
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED


def test_door_staff_cannot_moderate_through_the_api(client, door, hearing):
    contribution = ContributionFactory(hearing=hearing)
    client.force_login(door)
    response = client.post(
        f"/api/v1/contributions/{contribution.reference}/moderate/",
        {"status": "published", "reason": ""},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED


def test_door_staff_cannot_read_registrations_through_the_api(client, door, ada):
    client.force_login(door)
    assert client.get("/api/v1/registrations/").status_code == 403
    assert client.get(f"/api/v1/registrations/{ada.pk}/").status_code == 403


def test_door_staff_cannot_write_hearings_through_the_api(client, door, hearing):
    client.force_login(door)
    response = client.patch(
        f"/api/v1/hearings/{hearing.slug}/", {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 403
    hearing.refresh_from_db()
    assert hearing.title == "Hearing on migration"


def test_door_staff_cannot_print_the_badge_sheet(client, door, hearing):
    client.force_login(door)
    assert client.get(f"/hearings/{hearing.slug}/badges.pdf").status_code == 403


# Attendance as data -----------------------------------------------------------------------------


def test_statistics_count_who_attended_by_category_region_and_gender(hearing, door):
    state = OrganizationFactory(category=StakeholderCategory.MEMBER_STATE)
    came = [
        approved(hearing, "Ms. A", honorific="Ms.", country="KE"),
        approved(
            hearing,
            "Mr. B",
            honorific="Mr.",
            country="FR",
            organization=state,
            category=StakeholderCategory.MEMBER_STATE,
        ),
    ]
    approved(hearing, "Absent", honorific="Ms.", country="KE")
    for registration in came:
        check_in(hearing, registration.reference, door)
    tables = {table.key: table for table in who_was_heard(hearing).tables}
    category = tables["category"]
    assert category.columns == ["People heard", "Approved registrations", "Attended"]
    rows = {row.label: row.cells for row in category.rows}
    assert rows == {"Member State": [0, 1, 1], "Civil society organization": [0, 2, 1]}
    assert {row.label: row.cells for row in tables["region"].rows} == {
        "Africa": [0, 2, 1],
        "Europe": [0, 1, 1],
    }
    assert {row.label: row.cells for row in tables["gender"].rows} == {
        "Women": [0, 2, 1],
        "Men": [0, 1, 1],
    }


def test_statistics_page_shows_the_attended_column(client, hearing, ada, door):
    check_in(hearing, ada.reference, door)
    content = client.get(f"/hearings/{hearing.slug}/statistics/").content.decode()
    assert "Attended" in content


def test_dashboard_shows_approved_against_arrived(client, editor, door):
    today = HearingFactory(date=timezone.localdate(), time_zone="UTC", slug="today")
    first, _second = approved(today, "Ada"), approved(today, "Bob")
    check_in(today, first.reference, door)
    client.force_login(editor)
    content = client.get("/admin/").content.decode()
    assert '<td class="dashboard-approved">2</td>' in content
    assert '<a href="/hearings/today/check-in/">1</a>' in content


def test_exports_carry_attendance(hearing, ada, door):
    check_in(hearing, ada.reference, door)
    ada = Registration.objects.select_related("checked_in_by").get(pk=ada.pk)
    values = {str(header): value(ada) for header, value in REGISTRATION_COLUMNS}
    assert values["walk-in"] is False
    assert values["checked in"] == ada.checked_in_at
    assert values["checked in by"] == "door"


# In Chromium on a phone -----------------------------------------------------------------------


@pytest.fixture
def door_site(live_server, door, django_user_model):
    hearing = HearingFactory(title="Hearing on migration", slug="migration")
    ada = approved(
        hearing, "Ada Lovelace", organization=OrganizationFactory(name="Analytical Society")
    )
    return live_server.url, hearing, ada


def signed_in_phone(browser, url, javascript=True):
    context = browser.new_context(
        locale="en-GB",
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.problems = []
    # Script errors and CSP refusals. Chromium also logs every answer of 400 or more as "Failed
    # to load resource": the second scan's 409 is meant, and the site has no favicon.
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and page.problems.append(m.text)
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", "door")
    page.fill("#id_password", "pw-door-1")
    page.click("input[type=submit]")
    return context, page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False])
def test_phone_checks_in_by_typed_reference(browser, door_site, javascript):
    url, hearing, ada = door_site
    context, page = signed_in_phone(browser, url, javascript)
    page.goto(f"{url}/hearings/{hearing.slug}/check-in/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#code", ada.reference)
    page.click(".check-in-code button")
    page.wait_for_selector(".answer-green")
    assert page.inner_text(".answer-headline") == "Checked in"
    assert page.inner_text(".answer-name") == "Ada Lovelace"
    if javascript:
        # Answered in place by the API: the field is emptied for the next badge.
        assert page.input_value("#code") == ""
        page.fill("#code", ada.reference)
        page.click(".check-in-code button")
        page.wait_for_selector(".answer-amber")
    assert page.problems == []
    context.close()
    ada.refresh_from_db()
    assert ada.checked_in_at is not None
