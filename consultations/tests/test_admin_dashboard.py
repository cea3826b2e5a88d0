"""The back office's dashboard and history as the secretariat reads them: the models grouped by
the day's work, the waiting lists and closing dates, the latest decisions, and histories that
name people and statuses in words, with times to the second and their zone."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.enums import RegistrationStatus
from consultations.models import Registration
from consultations.services import decide_registration
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    OutcomeFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:index")


def sections(content):
    return re.findall(
        r'<div class="module work-section">\s*<table>\s*<caption>([^<]+)</caption>', content
    )


def section_of(content, model_name):
    """The caption of the section holding a model's row."""
    row = content.index(f'class="model-{model_name}"')
    return re.findall(r"<caption>([^<]+)</caption>", content[:row])[-1]


def test_dashboard_groups_the_models_by_the_days_work(client, editor):
    client.force_login(editor)
    content = client.get(DASHBOARD).content.decode()
    assert sections(content) == [
        "Decisions of the day",
        "On the hearing day",
        "Hearings and their programme",
        "Outcomes",
        "Who takes part",
        "Translations",
    ]
    assert section_of(content, "registration") == "Decisions of the day"
    assert section_of(content, "outgoingemail") == "Decisions of the day"
    assert section_of(content, "speakerrequest") == "On the hearing day"
    assert section_of(content, "segment") == "Hearings and their programme"
    assert section_of(content, "keymessage") == "Outcomes"
    assert section_of(content, "person") == "Who takes part"
    # Registrations come before contributions, the order of the work, not of the alphabet.
    assert content.index('class="model-registration"') < content.index('class="model-contribution"')


def test_viewer_dashboard_has_no_email_queue_and_only_view_links(client, viewer):
    client.force_login(viewer)
    content = client.get(DASHBOARD).content.decode()
    assert 'class="model-outgoingemail"' not in content
    assert 'class="model-registration"' in content
    assert 'class="addlink"' not in content


def test_dashboard_shows_the_waiting_list_and_the_closing_dates_with_their_zone(client, editor):
    hearing = HearingFactory(
        title="Geneva hearing",
        date=datetime.date(2031, 3, 5),
        time_zone="Europe/Zurich",
        registration_opens=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        registration_closes=datetime.datetime(2031, 2, 20, 16, 0, tzinfo=datetime.UTC),
    )
    for _ in range(2):
        registration = RegistrationFactory(hearing=hearing)
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.WAITLISTED, decided_at=timezone.now()
        )
    client.force_login(editor)
    content = client.get(DASHBOARD).content.decode()
    row = content[
        content.index("Geneva hearing") : content.index("</tr>", content.index("Geneva hearing"))
    ]
    waiting = (
        f'<td class="waiting-list"><a href="{reverse("admin:consultations_registration_changelist")}'
        f'?hearing__id__exact={hearing.pk}&amp;status__exact=waitlisted">2</a></td>'
    )
    assert waiting in row
    # 16:00 UTC is 17:00 in Geneva in February.
    assert '<span class="closing-window">registration: 20 Feb, 17:00 CET</span>' in row


def test_recent_decisions_name_the_move_and_who_made_it(client, editor, viewer):
    editor.first_name, editor.last_name = "Ines", "Moreau"
    editor.save()
    registration = RegistrationFactory(name="Kwame Mensah")
    decide_registration(registration, RegistrationStatus.APPROVED, by=editor)
    for persona in (editor, viewer):
        client.force_login(persona)
        content = client.get(DASHBOARD).content.decode()
        module = content[content.index('id="recent-decisions-module"') :]
        assert "Kwame Mensah" in module
        assert "Pending → Approved, Ines Moreau, " in module
        assert re.search(r"Approved, Ines Moreau, \d+ \w{3}, \d\d:\d\d UTC</span>", module)


def test_the_dashboard_costs_the_same_however_many_decisions(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    decide_registration(RegistrationFactory(), RegistrationStatus.APPROVED, by=editor)
    with CaptureQueriesContext(connection) as one:
        client.get(DASHBOARD)
    for _ in range(12):
        decide_registration(RegistrationFactory(), RegistrationStatus.REJECTED, by=editor)
    ContributionFactory()
    with django_assert_num_queries(len(one)):
        content = client.get(DASHBOARD).content.decode()
    assert content.count("Pending → Rejected") == 10


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_decided_by_is_a_name_not_a_link_neither_role_may_follow(client, persona, request, editor):
    editor.first_name, editor.last_name = "Ines", "Moreau"
    editor.save()
    registration = RegistrationFactory()
    decide_registration(registration, RegistrationStatus.APPROVED, by=editor)
    outcome = OutcomeFactory(hearing=HearingFactory(date=datetime.date(2020, 1, 1)), status="draft")
    from consultations.services import set_outcome_status

    set_outcome_status(outcome, "published", by=editor)
    client.force_login(request.getfixturevalue(persona))
    user_page = reverse("admin:auth_user_change", args=[editor.pk])
    assert client.get(user_page).status_code == 403
    for page in (
        reverse("admin:consultations_registration_change", args=[registration.pk]),
        reverse("admin:consultations_outcome_change", args=[outcome.pk]),
    ):
        content = client.get(page).content.decode()
        assert user_page not in content
        assert "Ines Moreau" in content


def test_history_names_the_public_and_shows_labels_and_zoned_seconds(client, viewer, editor):
    registration = RegistrationFactory(name="Kwame Mensah")
    decide_registration(registration, RegistrationStatus.WAITLISTED, by=editor)
    client.force_login(viewer)
    history = reverse("admin:consultations_registration_history", args=[registration.pk])
    content = client.get(history).content.decode()
    assert "Submitted by the public" in content
    assert ">None<" not in content
    assert "<strong>Status:</strong> Pending&nbsp;&rarr;&nbsp;&nbsp;Waitlisted" in content
    dates = re.findall(r'<td class="history-date">([^<]+)</td>', content)
    assert len(dates) == 2
    assert all(re.fullmatch(r"\d+ \w{3} \d{4}, \d\d:\d\d:\d\d UTC", date) for date in dates)
    assert reverse("admin:auth_user_change", args=[editor.pk]) not in content


def test_history_and_status_changes_give_times_in_the_hearings_zone(client, viewer, editor):
    registration = RegistrationFactory(hearing=HearingFactory(time_zone="Asia/Tokyo"))
    decide_registration(registration, RegistrationStatus.WAITLISTED, by=editor)
    client.force_login(viewer)
    history = reverse("admin:consultations_registration_history", args=[registration.pk])
    dates = re.findall(
        r'<td class="history-date">([^<]+)</td>', client.get(history).content.decode()
    )
    assert len(dates) == 2
    assert all(date.endswith(" JST") for date in dates), dates
    changes = client.get(reverse("admin:consultations_statuschange_changelist"))
    when = re.search(r'class="field-when">(?:<a [^>]*>)?([^<]+)<', changes.content.decode()).group(
        1
    )
    assert when.endswith(" JST"), when


def test_status_changes_list_labels_not_codes(client, viewer, editor):
    decide_registration(RegistrationFactory(), RegistrationStatus.WAITLISTED, by=editor)
    client.force_login(viewer)
    content = client.get(reverse("admin:consultations_statuschange_changelist")).content.decode()
    assert '<td class="field-new_label">Waitlisted</td>' in content
    assert '<td class="field-previous_label">Pending</td>' in content
    assert "?new_status=waitlisted" in content
    filtered = client.get(
        reverse("admin:consultations_statuschange_changelist"), {"new_status": "approved"}
    )
    assert filtered.context["cl"].result_count == 0
