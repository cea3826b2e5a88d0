"""A signed status link acts for its registrant or author, so staff never hold one: the emails
that carry them are read in the back office without their tokens, by the roles that need the
queue only, and a change made through a link is recorded as the person's, whoever else is
logged in in the same browser."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.urls import reverse

from consultations.enums import ContributionStatus, RegistrationStatus
from consultations.models import Contribution, OutgoingEmail, Registration, StatusChange
from consultations.notifications import site_url
from consultations.privacy import personal_data
from consultations.roles import EDITORS, VIEWERS
from consultations.services import submit_contribution, submit_registration
from consultations.submission_views import (
    CONTRIBUTION_SALT,
    REGISTRATION_SALT,
    contribution_status_path,
    registration_status_path,
)
from consultations.tests.factories import ContributionFactory, RegistrationFactory
from consultations.tests.forms_support import open_hearing

pytestmark = pytest.mark.django_db

EMAILS = "admin:consultations_outgoingemail_changelist"
# A status link as an admin page may show it: the path, then whatever stands for the token.
SHOWN_LINK = re.compile(r"/(?:registrations|contributions)/status/[^\s\"'<>]*")


@pytest.fixture
def queued(django_capture_on_commit_callbacks):
    """The emails that carry status links: a registration's confirmation and its reminder (the
    address registered again), and a contribution's confirmation. Returns the tokens."""
    hearing = open_hearing(slug="open")
    with django_capture_on_commit_callbacks(execute=True):
        registration, _ = submit_registration(
            RegistrationFactory.build(
                hearing=hearing, email="amina@example.org", organization=None
            ),
            link=lambda r: site_url(registration_status_path(r)),
        )
        submit_registration(
            RegistrationFactory.build(
                hearing=hearing, email="amina@example.org", organization=None
            ),
            link=lambda r: site_url(registration_status_path(r)),
        )
        contribution, _ = submit_contribution(
            ContributionFactory.build(
                hearing=hearing, author_email="ana@example.org", organization=None
            ),
            link=lambda c: site_url(contribution_status_path(c)),
        )
    assert OutgoingEmail.objects.count() == 3
    # The tokens as the emails carry them: signing again here could fall in the next second,
    # whose timestamp gives another token.
    tokens = [
        stored_token(registration.email, "registrations"),
        stored_token(contribution.author_email, "contributions"),
    ]
    # Usable: each opens its own record.
    assert signing.TimestampSigner(salt=REGISTRATION_SALT).unsign(tokens[0]) == str(registration.pk)
    assert signing.TimestampSigner(salt=CONTRIBUTION_SALT).unsign(tokens[1]) == str(contribution.pk)
    return tokens


def stored_token(address, kind):
    text = OutgoingEmail.objects.filter(to=address).order_by("pk").first().text
    return re.search(rf"/{kind}/status/([^/\s]+)/", text).group(1)


# Who sees the queue -------------------------------------------------------------------------


def test_viewers_do_not_see_the_outgoing_emails(client, viewer, queued):
    client.force_login(viewer)
    email = OutgoingEmail.objects.first()
    assert client.get(reverse(EMAILS)).status_code == 403
    change = reverse("admin:consultations_outgoingemail_change", args=[email.pk])
    assert client.get(change).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "Outgoing emails" not in index
    assert "Registrations" in index


def test_editors_see_the_queue_its_state_recipients_and_subjects(client, editor, queued):
    client.force_login(editor)
    page = client.get(reverse(EMAILS)).content.decode()
    assert "Outgoing emails" in client.get(reverse("admin:index")).content.decode()
    for email in OutgoingEmail.objects.all():
        assert email.to in page
        assert email.subject in page


def test_the_roles_grant_the_outgoing_emails_to_editors_only():
    editors = Group.objects.get(name=EDITORS).permissions
    viewers = Group.objects.get(name=VIEWERS).permissions
    assert editors.filter(codename="view_outgoingemail").exists()
    assert not viewers.filter(content_type__model="outgoingemail").exists()
    # Viewers still read everything else.
    assert viewers.filter(codename="view_registration").exists()
    assert viewers.filter(codename="view_statuschange").exists()


# No usable token on any page ----------------------------------------------------------------


def admin_pages_of_the_queue():
    yield reverse(EMAILS)
    yield reverse(EMAILS) + "?state=sent"
    for email in OutgoingEmail.objects.all():
        yield reverse("admin:consultations_outgoingemail_change", args=[email.pk])


def test_no_admin_page_shows_a_usable_status_link(client, editor, admin_user, queued):
    for user in (editor, admin_user):
        client.force_login(user)
        shown = []
        for path in admin_pages_of_the_queue():
            response = client.get(path)
            assert response.status_code == 200, path
            page = response.content.decode()
            for token in queued:
                assert token not in page, path
            shown += SHOWN_LINK.findall(page)
        # Each email's text and HTML bodies show their link, withheld.
        # Three emails, each showing its link once in the text and twice in the HTML (the
        # address and the text of the link).
        assert len(shown) == 3 * 3
        for link in set(shown):
            assert "…" in link
            assert client.get(link).status_code == 404, link
    email = OutgoingEmail.objects.filter(to="amina@example.org").first()
    page = client.get(reverse("admin:consultations_outgoingemail_change", args=[email.pk]))
    assert "status link withheld" in page.content.decode()
    # Stored as written: the sender needs it.
    assert queued[0] in email.text
    assert queued[0] in email.html


def test_the_bodies_cannot_be_searched_for_a_token(client, editor, queued):
    """Filtering the list on the body would read a token out one character at a time."""
    client.force_login(editor)
    prefix = "/registrations/status/" + queued[0][:3]
    for lookup in ("text__contains", "html__startswith", "text__regex", "html__icontains"):
        response = client.get(reverse(EMAILS), {lookup: prefix})
        assert response.status_code == 400, lookup


def test_the_personal_data_export_withholds_status_links(queued):
    exported = repr(personal_data("amina@example.org")) + repr(personal_data("ana@example.org"))
    for token in queued:
        assert token not in exported
    assert exported.count("status link withheld") == 3


# Changes made through a link ----------------------------------------------------------------


def test_withdrawal_through_the_link_while_staff_is_logged_in_is_the_authors(
    client, editor, queued
):
    contribution = Contribution.objects.get()
    client.force_login(editor)
    path = reverse("consultations:contribution_status", args=[queued[1]])
    response = client.post(path, {"action": "withdraw"})
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.WITHDRAWN
    change = contribution.status_changes.first()
    assert (change.new_status, change.changed_by, change.through_status_link) == (
        ContributionStatus.WITHDRAWN,
        None,
        True,
    )
    version = contribution.history.first()
    assert version.history_user is None
    assert version.history_change_reason == "Through the author's status link"

    activity = client.get(reverse("admin:consultations_statuschange_changelist")).content.decode()
    assert "The author, through their status link" in activity
    history = client.get(
        reverse("admin:consultations_contribution_history", args=[contribution.pk])
    )
    assert "Through the author&#x27;s status link" in history.content.decode()


def test_cancellation_through_the_link_while_staff_is_logged_in_is_the_registrants(
    client, editor, queued
):
    registration = Registration.objects.get()
    client.force_login(editor)
    path = reverse("consultations:registration_status", args=[queued[0]])
    response = client.post(path, {"action": "cancel"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by) == (RegistrationStatus.CANCELLED, None)
    change = registration.status_changes.first()
    assert (change.new_status, change.changed_by, change.through_status_link) == (
        RegistrationStatus.CANCELLED,
        None,
        True,
    )
    assert registration.history.first().history_user is None
    activity = client.get(reverse("admin:consultations_statuschange_changelist")).content.decode()
    assert "The registrant, through their status link" in activity


def test_a_change_through_a_link_never_names_a_staff_member(editor, violates):
    registration = RegistrationFactory()
    with violates("status_change_through_link_by_nobody"):
        StatusChange.objects.create(
            registration=registration,
            previous_status=RegistrationStatus.PENDING,
            new_status=RegistrationStatus.CANCELLED,
            changed_by=editor,
            through_status_link=True,
        )


def test_staff_decisions_are_not_marked_as_made_through_a_link(client, editor, queued):
    registration = Registration.objects.get()
    client.force_login(editor)
    client.post(
        reverse("admin:consultations_registration_changelist"),
        {"action": "approve", "_selected_action": [registration.pk], "apply": "1"},
    )
    change = registration.status_changes.first()
    assert (change.new_status, change.changed_by, change.through_status_link) == (
        RegistrationStatus.APPROVED,
        editor,
        False,
    )
