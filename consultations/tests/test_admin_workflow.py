"""The back office as the secretariat runs a hearing with it, through Django's test client: an
editor builds the programme, decides registrations and moderates contributions; a viewer reads
and changes nothing; everyone else is sent to the login page."""

import datetime
import io
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from consultations.models import (
    AccreditationRule,
    Contribution,
    Hearing,
    KeyMessage,
    Participation,
    Registration,
    Segment,
    StatusChange,
)
from consultations.roles import EDITORS, VIEWERS
from consultations.services import decide_registration
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    ProcessFactory,
    RegistrationFactory,
)
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:consultations_registration_changelist")
CONTRIBUTIONS = reverse("admin:consultations_contribution_changelist")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def act(client, url, action, records, **extra):
    return client.post(
        url,
        {"action": action, "_selected_action": [r.pk for r in records], "index": "0", **extra},
        follow=True,
    )


def decide(client, url, action, records, **extra):
    """An action confirmed on its confirmation page."""
    return act(client, url, action, records, apply="1", **extra)


def shown_messages(response):
    """The messages' text; a remedy's button, a form, is tested in test_admin_bulk_decisions."""
    return [
        re.sub(r' <form method="post" .*</form>$', "", str(m)) for m in response.context["messages"]
    ]


def test_editor_builds_a_hearing_with_its_programme_through_the_forms(client, editor):
    process = ProcessFactory()
    moderator, panellist = PersonFactory(name="Ilias Chatzis"), PersonFactory(name="Kate Sheill")
    client.force_login(editor)
    hearing_data = {
        "process": process.pk,
        "title": "Third hearing",
        "slug": "third-hearing",
        "date": "2031-03-02",
        "time_zone": "Europe/Zurich",
        "organizer": "The President of the General Assembly",
        "language": "en",
        "capacity": "300",
        "registration_opens_0": "2031-01-10",
        "registration_opens_1": "09:00",
        "registration_closes_0": "2031-02-10",
        "registration_closes_1": "18:00",
        **management("segments", 1),
        "segments-0-order": "1",
        "segments-0-kind": "panel",
        "segments-0-title": "Smuggling of migrants",
        **management("accreditation_rules", 1),
        "accreditation_rules-0-category": "civil_society",
        "accreditation_rules-0-max_per_organization": "3",
        "accreditation_rules-0-letter_required": "on",
        **management("outcome"),
        **management("translations"),
    }
    response = client.post(reverse("admin:consultations_hearing_add"), hearing_data)
    assert response.status_code == 302
    hearing = Hearing.objects.get(slug="third-hearing")
    # Typed at the venue: 09:00 in Geneva in winter is 08:00 UTC.
    assert hearing.registration_opens == datetime.datetime(2031, 1, 10, 8, tzinfo=datetime.UTC)
    assert list(hearing.accreditation_rules.values_list("max_per_organization", "letter_required"))
    segment = Segment.objects.get(hearing=hearing)
    contribution = ContributionFactory(
        hearing=hearing,
        status="published",
        published_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    segment_data = {
        "hearing": hearing.pk,
        "order": "1",
        "kind": "panel",
        "title": "Smuggling of migrants",
        "language": "en",
        **management("participations", 2),
        "participations-0-order": "1",
        "participations-0-person": moderator.pk,
        "participations-0-role": "moderator",
        "participations-1-order": "2",
        "participations-1-person": panellist.pk,
        "participations-1-role": "panellist",
        "participations-1-organization": panellist.organization.pk,
        **management("sub_discussions"),
        **management("interventions"),
        **management("key_messages", 1),
        "key_messages-0-order": "1",
        "key_messages-0-language": "en",
        "key_messages-0-text": "Protect the victims.",
        "key_messages-0-contributions": [contribution.pk],
        **management("translations"),
    }
    response = client.post(
        reverse("admin:consultations_segment_change", args=[segment.pk]), segment_data
    )
    assert response.status_code == 302
    assert list(
        Participation.objects.filter(segment=segment).values_list("person__name", "role")
    ) == [("Ilias Chatzis", "moderator"), ("Kate Sheill", "panellist")]
    assert list(KeyMessage.objects.get(segment=segment).contributions.all()) == [contribution]


def test_hearing_windows_are_shown_in_the_hearings_time_zone(client, editor):
    hearing = HearingFactory(
        time_zone="Asia/Tokyo",
        registration_opens=datetime.datetime(2030, 4, 1, 0, 30, tzinfo=datetime.UTC),
        registration_closes=datetime.datetime(2030, 5, 1, tzinfo=datetime.UTC),
    )
    client.force_login(editor)
    page = client.get(reverse("admin:consultations_hearing_change", args=[hearing.pk]))
    content = page.content.decode()
    assert 'name="registration_opens_1" value="09:30:00"' in content
    assert 'name="registration_opens_0" value="2030-04-01"' in content


def test_key_message_autocomplete_finds_contributions(client, editor):
    contribution = ContributionFactory(title="Regular pathways for workers")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "pathways",
            "app_label": "consultations",
            "model_name": "keymessage",
            "field_name": "contributions",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(contribution.pk)]


def test_editor_decides_registrations_with_emails_and_limits(
    client, editor, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(capacity=3)
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", max_per_organization=1
    )
    ngo = OrganizationFactory(name="Migrant Voices")
    first, second = (RegistrationFactory(hearing=hearing, organization=ngo) for _ in range(2))
    others = [RegistrationFactory(hearing=hearing) for _ in range(3)]
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, REGISTRATIONS, "approve", [first, second, *others])
    assert shown_messages(response) == [
        f"{escape(second)}: Migrant Voices already has 1 approved representatives, the most this "
        "hearing accredits for one organization of its category.",
        f"{escape(others[2])}: The hearing is full: all 3 seats are taken.",
        "3 registrations approved.",
    ]
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in [first, second, *others]] == [
        "approved",
        "pending",
        "approved",
        "approved",
        "pending",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in [first, *others[:2]])
    # The list shows who is held by the cap, without a query per row.
    listed = client.get(REGISTRATIONS)
    rows = {r.pk: r for r in listed.context["cl"].result_list}
    admin = listed.context["cl"].model_admin
    assert [admin.over_cap(rows[r.pk]) for r in [first, second, others[2]]] == [
        "",
        '<span class="warning-badge">Migrant Voices 1/1</span>',
        "",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, REGISTRATIONS, "waitlist", [others[2]])
        decide(client, REGISTRATIONS, "cancel", [others[0]])
        response = decide(client, REGISTRATIONS, "promote_oldest_waitlisted", [others[2]])
    assert shown_messages(response)[-1] == f"{others[2]} is approved from the waiting list."
    assert Registration.objects.get(pk=others[2].pk).status == "approved"

    response = decide(client, REGISTRATIONS, "approve", [others[0]])
    assert shown_messages(response) == [
        f"{others[0]}: This registration is cancelled: it cannot become approved."
    ]
    response = decide(client, REGISTRATIONS, "approve", [first])
    assert shown_messages(response) == [f"{first}: This registration is already approved."]


def test_letter_missing_is_flagged_and_the_letter_is_for_staff_only(client, editor, stakeholder):
    hearing = HearingFactory()
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", letter_required=True
    )
    without = RegistrationFactory(hearing=hearing)
    with_letter = RegistrationFactory(hearing=hearing)
    with_letter.nomination_letter.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"))
    client.force_login(editor)
    listed = client.get(REGISTRATIONS)
    admin = listed.context["cl"].model_admin
    rows = {r.pk: r for r in listed.context["cl"].result_list}
    assert (admin.letter_missing(rows[without.pk]), admin.letter_missing(rows[with_letter.pk])) == (
        '<span class="warning-badge">letter missing</span>',
        "",
    )
    url = reverse("admin:consultations_registration_letter", args=[with_letter.pk])
    change = client.get(reverse("admin:consultations_registration_change", args=[with_letter.pk]))
    assert f'<a href="{url}">Download the nomination letter</a>' in change.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="nomination-letter-R{with_letter.pk:05d}.pdf"'
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4 letter"
    assert (
        client.get(
            reverse("admin:consultations_registration_letter", args=[without.pk])
        ).status_code
        == 404
    )
    client.force_login(stakeholder)
    assert client.get(url).status_code == 302
    client.logout()
    assert client.get(url).status_code == 302


def test_editor_publishes_and_rejects_with_a_reason(
    client, editor, django_capture_on_commit_callbacks
):
    hearing = HearingFactory()
    to_publish = ContributionFactory(hearing=hearing, body="Keep *families* together.")
    to_reject = ContributionFactory(hearing=hearing, body="Buy cheap watches.")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, CONTRIBUTIONS, "publish", [to_publish])
    assert shown_messages(response) == ["1 contribution published."]
    assert client.get(to_publish.get_absolute_url()).status_code == 200

    asked = act(client, CONTRIBUTIONS, "reject_with_reason", [to_reject])
    assert asked.templates[0].name == "admin/consultations/confirm_decision.html"
    assert Contribution.objects.get(pk=to_reject.pk).status == "submitted"
    empty = act(client, CONTRIBUTIONS, "reject_with_reason", [to_reject], apply="1", reason=" ")
    assert "This field is required." in empty.content.decode()
    assert Contribution.objects.get(pk=to_reject.pk).status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        done = act(
            client,
            CONTRIBUTIONS,
            "reject_with_reason",
            [to_reject],
            apply="1",
            reason="Advertising is not a contribution.",
        )
    assert shown_messages(done) == ["1 contribution rejected."]
    assert StatusChange.objects.get(contribution=to_reject).reason == (
        "Advertising is not a contribution."
    )
    assert [m.to for m in mail.outbox] == [[to_publish.author_email], [to_reject.author_email]]
    assert "Advertising is not a contribution." in mail.outbox[1].body

    response = decide(client, CONTRIBUTIONS + "?moderation=all", "publish", [to_publish])
    assert shown_messages(response) == [f"{to_publish}: This contribution is already published."]
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, CONTRIBUTIONS + "?moderation=all", "return_to_review", [to_publish])
    assert client.get(to_publish.get_absolute_url()).status_code == 404


def test_queue_shows_what_awaits_review_oldest_first_with_campaign_groups(client, editor):
    hearing = HearingFactory()
    oldest = ContributionFactory(hearing=hearing, body="Same campaign text.")
    published = ContributionFactory(hearing=hearing)
    moderated = Contribution.objects.filter(pk=published.pk)
    moderated.update(status="published", published_at="2030-01-01T00:00Z", public=True)
    twin = ContributionFactory(hearing=hearing, body="same  campaign TEXT")
    client.force_login(editor)
    queue = client.get(CONTRIBUTIONS)
    rows = list(queue.context["cl"].result_list)
    assert rows == [oldest, twin]
    assert [r.campaign_size for r in rows] == [2, 2]
    content = queue.content.decode()
    assert f'<a href="?campaign={oldest.fingerprint}">2 alike</a>' in content
    group = client.get(CONTRIBUTIONS, {"campaign": oldest.fingerprint, "moderation": "all"})
    assert list(group.context["cl"].result_list) == [oldest, twin]


def test_editor_decides_a_campaign_group_at_once(
    client, editor, django_capture_on_commit_callbacks
):
    hearing = HearingFactory()
    campaign = [ContributionFactory(hearing=hearing, body="Sign here!") for _ in range(4)]
    alone = ContributionFactory(hearing=hearing, body="My own words.")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            CONTRIBUTIONS,
            "reject_campaign_with_reason",
            [campaign[0]],
            apply="1",
            reason="A mass campaign: one copy is published.",
        )
    assert shown_messages(response) == ["4 contributions decided with their campaign groups."]
    assert set(
        Contribution.objects.filter(pk__in=[c.pk for c in campaign]).values_list(
            "status", flat=True
        )
    ) == {"rejected"}
    assert Contribution.objects.get(pk=alone.pk).status == "submitted"
    assert len(mail.outbox) == 4


def test_preview_shows_the_body_as_the_public_page_does(client, editor):
    contribution = ContributionFactory(
        body="# Heading\n\nWe **urge** action. <script>alert(1)</script>"
    )
    contribution.attachment.save("paper.pdf", ContentFile(b"%PDF attachment"))
    client.force_login(editor)
    page = client.get(reverse("admin:consultations_contribution_change", args=[contribution.pk]))
    content = page.content.decode()
    assert f'<div class="contribution-preview">{contribution.rendered_body}</div>' in content
    assert "<strong>urge</strong>" in content
    assert "<script>alert(1)</script>" not in content
    download = client.get(
        reverse("admin:consultations_contribution_attachment", args=[contribution.pk])
    )
    assert download["Content-Disposition"] == (
        f'attachment; filename="{contribution.reference}.pdf"'
    )


def test_html_in_names_and_reasons_is_escaped_in_the_admin(client, editor):
    RegistrationFactory(name="<script>alert('name')</script>")
    contribution = ContributionFactory()
    reason = "<b>Off topic</b> " + "x" * (10_000 - 16)
    client.force_login(editor)
    content = client.get(REGISTRATIONS).content.decode()
    assert "<script>alert('name')</script>" not in content
    assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in content
    act(client, CONTRIBUTIONS, "reject_with_reason", [contribution], apply="1", reason=reason)
    change = StatusChange.objects.get()
    assert change.reason == reason
    page = client.get(reverse("admin:consultations_statuschange_change", args=[change.pk]))
    assert "&lt;b&gt;Off topic&lt;/b&gt; " + "x" * (10_000 - 16) in page.content.decode()


def test_history_is_shown_for_each_object(client, editor):
    registration = RegistrationFactory()
    decide_registration(registration, "approved", by=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:consultations_registration_history", args=[registration.pk]))
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == 2
    assert page.context["revert_disabled"] is True
    for name, obj in [("hearing", registration.hearing), ("contribution", ContributionFactory())]:
        url = reverse(f"admin:consultations_{name}_history", args=[obj.pk])
        assert client.get(url).status_code == 200
    # An old version cannot be saved back: the status moves through the services only.
    first_version = registration.history.earliest().history_id
    revert = reverse(
        "admin:consultations_registration_simple_history",
        args=[registration.pk, first_version],
    )
    assert client.get(revert).status_code == 200
    assert client.post(revert, {"name": "Reverted"}).status_code == 403
    assert Registration.objects.get().status == "approved"


def test_viewer_cannot_save_an_old_version(client, viewer):
    hearing = HearingFactory(title="Current title")
    Hearing.objects.get(pk=hearing.pk).save()
    client.force_login(viewer)
    url = reverse(
        "admin:consultations_hearing_simple_history",
        args=[hearing.pk, hearing.history.earliest().history_id],
    )
    assert client.post(url, {"title": "Old"}).status_code == 403
    assert Hearing.objects.get().title == "Current title"


def test_viewer_reads_but_cannot_decide_or_change(client, viewer):
    registration = RegistrationFactory()
    contribution = ContributionFactory()
    client.force_login(viewer)
    assert client.get(REGISTRATIONS).status_code == 200
    listed = client.get(CONTRIBUTIONS)
    actions = [name for name, _label in listed.context["action_form"].fields["action"].choices]
    assert actions == ["", "export_csv", "export_xlsx"]
    decide(client, REGISTRATIONS, "approve", [registration])
    decide(client, CONTRIBUTIONS, "publish", [contribution])
    assert Registration.objects.get().status == "pending"
    assert Contribution.objects.get().status == "submitted"
    change = reverse("admin:consultations_hearing_change", args=[registration.hearing.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"title": "Hijacked"}).status_code == 403
    assert Hearing.objects.get(pk=registration.hearing.pk).title == registration.hearing.title


def test_dashboard_is_for_those_who_may_view_hearings(client, django_user_model):
    HearingFactory(title="Coming hearing", date=datetime.date(2031, 1, 1))
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "Coming hearing" not in page.content.decode()


@pytest.mark.parametrize("url", [REGISTRATIONS, CONTRIBUTIONS, reverse("admin:index")])
def test_anonymous_goes_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_dashboard_lists_upcoming_and_open_hearings_with_their_work(
    client, editor, django_assert_num_queries
):
    hearing = HearingFactory(title="Coming hearing", date=datetime.date(2031, 1, 1), capacity=10)
    HearingFactory(title="Long past hearing", date=datetime.date(2017, 10, 11))
    RegistrationFactory(hearing=hearing)
    approved = RegistrationFactory(hearing=hearing)
    Registration.objects.filter(pk=approved.pk).update(
        status="approved", decided_at="2030-01-01T00:00Z"
    )
    ContributionFactory(hearing=hearing)
    client.force_login(editor)
    page = client.get(reverse("admin:index"))
    content = page.content.decode()
    assert "<title>Secretariat dashboard | UN multi-stakeholder hearings</title>" in content
    assert "UN multi-stakeholder hearings: back office" in content
    assert "Coming hearing" in content
    assert "Long past hearing" not in content
    row = content[
        content.index("Coming hearing") : content.index("</tr>", content.index("Coming hearing"))
    ]
    assert ">1</a></td>" in row  # one pending registration, one contribution awaiting review
    assert "<td>9</td>" in row  # nine seats left
    assert f'<a href="{hearing.get_absolute_url()}">View on site</a>' in row


def test_staff_without_view_permission_cannot_preview_an_unpublished_hearing(
    client, django_user_model
):
    hearing = HearingFactory(published=False)
    staff = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(staff)
    assert client.get(hearing.get_absolute_url()).status_code == 404
    staff.user_permissions.add(Permission.objects.get(codename="view_hearing"))
    staff = django_user_model.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(hearing.get_absolute_url()).status_code == 200


def test_create_staff_user_puts_the_account_in_its_role(monkeypatch):
    monkeypatch.setenv("NEW_STAFF_PASSWORD", "a long pass-phrase 42")
    out = io.StringIO()
    call_command(
        "create_staff_user",
        "amina",
        "--role=editor",
        "--email=amina@example.org",
        "--password-from-env=NEW_STAFF_PASSWORD",
        stdout=out,
    )
    assert out.getvalue() == "Staff user 'amina' created with the role Secretariat editors.\n"
    user = get_user_model().objects.get(username="amina")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("a long pass-phrase 42")
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]
    assert user.has_perm("consultations.change_registration")
    call_command("create_staff_user", "omar", "--password-from-env=NEW_STAFF_PASSWORD", stdout=out)
    omar = get_user_model().objects.get(username="omar")
    assert list(omar.groups.values_list("name", flat=True)) == [VIEWERS]
    assert not omar.has_perm("consultations.change_registration")
    # Editors, viewers and door staff (test_check_in_page.py tests the door role).
    assert Group.objects.count() == 3


def test_create_staff_user_changes_the_role_of_an_account_that_exists(monkeypatch):
    monkeypatch.setenv("NEW_STAFF_PASSWORD", "a long pass-phrase 42")
    call_command("create_staff_user", "amina", "--password-from-env=NEW_STAFF_PASSWORD")
    out = io.StringIO()
    call_command("create_staff_user", "amina", "--role=editor", stdout=out)
    assert out.getvalue() == "Staff user 'amina' now has the role Secretariat editors.\n"
    amina = get_user_model().objects.get(username="amina")
    assert list(amina.groups.values_list("name", flat=True)) == [EDITORS]
    assert amina.check_password("a long pass-phrase 42")


def test_create_staff_user_without_a_terminal_says_so_in_one_line(tmp_path):
    """A script with no terminal (cron, CI) gets one clear line, not getpass's EOFError."""
    environment = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'staff.sqlite3'}",
    }

    def manage(*arguments):
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=environment,
            start_new_session=True,  # no controlling terminal, as under cron
            check=False,
        )

    assert manage("migrate", "-v0").returncode == 0
    result = manage("create_staff_user", "nobody")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "CommandError: No terminal to ask for the password: pass --password-from-env VARIABLE."
    )


def test_staff_edits_survive_the_next_make_run():
    """`make run` migrates, then runs load_seed_hearing: twice here, with an edit between."""
    call_command("load_seed_hearing", verbosity=0)
    hearing = Hearing.objects.get(slug="gcm-second-multi-stakeholder-hearing-2017")
    segments = hearing.segments.count()
    Hearing.objects.filter(pk=hearing.pk).update(title="Edited by the secretariat", capacity=250)
    hearing.segments.filter(order=1).update(title="Opening, as edited")
    out = io.StringIO()
    call_command("load_seed_hearing", stdout=out)
    hearing.refresh_from_db()
    assert (hearing.title, hearing.capacity) == ("Edited by the secretariat", 250)
    assert hearing.segments.get(order=1).title == "Opening, as edited"
    assert hearing.segments.count() == segments
    assert out.getvalue() == (
        "The database already holds gcm-second-multi-stakeholder-hearing-2017: nothing loaded.\n"
    )


def test_load_seed_hearing_says_what_it_loaded():
    out = io.StringIO()
    call_command("load_seed_hearing", stdout=out)
    assert out.getvalue() == (
        "Loaded the seed hearing: Second informal interactive multi-stakeholder hearing, "
        "11 October 2017.\n"
    )
