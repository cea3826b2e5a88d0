"""Deciding many registrations at once in the back office, as an editor and as a viewer: a bulk
approval that meets the hearing's capacity, an organization's cap or a missing letter ends in
one message per reason, each with a "Waitlist these N" button that asks on the confirmation
page; promoting the oldest waitlisted registration asks there too."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultations.enums import RegistrationStatus
from consultations.models import AccreditationRule, Registration, StatusChange
from consultations.tests.factories import HearingFactory, RegistrationFactory
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:consultations_registration_changelist")
CONFIRM_PAGE = "admin/consultations/confirm_decision.html"
NOW = timezone.now()


class FormReader(HTMLParser):
    """The forms of a piece of HTML: where each posts, its fields and its button's words."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.in_button = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": attrs.get("method"), "action": attrs.get("action"), "data": {}}
            )
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["data"].setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "button":
            self.in_button = True

    def handle_data(self, data):
        if self.in_button:
            self.forms[-1]["button"] = data

    def handle_endtag(self, tag):
        if tag == "button":
            self.in_button = False


def forms_in(html):
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def act(client, action, records, **extra):
    return client.post(
        REGISTRATIONS,
        {"action": action, "_selected_action": [r.pk for r in records], "index": "0", **extra},
        follow=True,
    )


def statuses(records):
    stored = dict(Registration.objects.values_list("pk", "status"))
    return [stored[r.pk] for r in records]


def ids(records):
    return [str(r.pk) for r in records]


@pytest.fixture
def crowded_hearing():
    """Four seats; one representative per civil-society organization; academics need a letter.
    Approved oldest first, the records meet each of the three refusals."""
    hearing = HearingFactory(capacity=4)
    AccreditationRule.objects.create(
        hearing=hearing, category="civil_society", max_per_organization=1
    )
    AccreditationRule.objects.create(hearing=hearing, category="academia", letter_required=True)
    ngo = OrganizationFactory(name="Migrant Voices")
    same_ngo = [
        RegistrationFactory(hearing=hearing, organization=ngo, category="civil_society")
        for _ in range(3)
    ]
    academics = [
        RegistrationFactory(hearing=hearing, category="academia", name="<b>Ana</b> Gómez"),
        RegistrationFactory(hearing=hearing, category="academia"),
    ]
    others = [RegistrationFactory(hearing=hearing, category="private_sector") for _ in range(5)]
    return {"same_ngo": same_ngo, "academics": academics, "others": others}


def test_bulk_approval_ends_in_one_message_per_reason_each_with_a_waitlist_button(
    client, editor, crowded_hearing
):
    same_ngo, academics, others = crowded_hearing.values()
    everyone = [*same_ngo, *academics, *others]
    client.force_login(editor)
    response = act(client, "approve", everyone, apply="1")

    shown = messages_of(response)
    assert len(shown) == 4
    held_by_cap, held_by_letter, held_by_capacity = same_ngo[1:], academics, others[3:]
    expected = [
        (
            "2 records held back: Migrant Voices already has 1 approved representatives, the most "
            "this hearing accredits for one organization of its category.",
            held_by_cap,
        ),
        (
            "2 records held back: This hearing requires a nomination letter for Academic "
            "institution registrations.",
            held_by_letter,
        ),
        ("2 records held back: The hearing is full: all 4 seats are taken.", held_by_capacity),
    ]
    for message, (sentence, held_back) in zip(shown[:3], expected, strict=True):
        assert message.startswith(f"{sentence} ({escape('; '.join(map(str, held_back)))}) <form")
        [form] = forms_in(message)
        assert form["method"] == "post"
        assert form["action"] == REGISTRATIONS
        assert form["data"]["action"] == ["waitlist"]
        assert form["data"]["_selected_action"] == ids(held_back)
        assert form["button"] == "Waitlist these 2"
    assert shown[3] == "4 registrations approved."
    # The registrant's name is text, never markup.
    assert "<b>Ana</b>" not in shown[1]
    assert (
        statuses(everyone)
        == ["approved", "pending", "pending", "pending", "pending"]
        + ["approved"] * 3
        + ["pending"] * 2
    )

    # The button asks first, on the confirmation page with the count and those records only.
    [form] = forms_in(shown[2])
    asked = client.post(form["action"], form["data"])
    assert asked.templates[0].name == CONFIRM_PAGE
    assert (asked.context["action"], asked.context["count"]) == ("waitlist", 2)
    assert asked.context["records"] == held_by_capacity
    assert statuses(held_by_capacity) == ["pending", "pending"]

    done = client.post(form["action"], {**form["data"], "apply": "1", "reason": "Full."})
    assert done.status_code == 302
    assert statuses(held_by_capacity) == ["waitlisted", "waitlisted"]
    assert (
        list(
            StatusChange.objects.filter(new_status="waitlisted").values_list("reason", "changed_by")
        )
        == [("Full.", editor.pk)] * 2
    )
    listed = client.get(REGISTRATIONS, {"status__exact": "waitlisted"})
    assert [r.waitlist_position for r in listed.context["cl"].result_list] == [1, 2]


def test_the_waitlist_button_carries_a_token_the_csrf_check_accepts(editor, crowded_hearing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    listed = client.get(REGISTRATIONS)
    [token] = {
        value
        for form in forms_in(listed.content.decode())
        for value in form["data"].get("csrfmiddlewaretoken", [])
    }
    others = crowded_hearing["others"]
    response = act(client, "approve", others, apply="1", csrfmiddlewaretoken=token)
    [remedy] = [m for m in messages_of(response) if "<form" in m]
    [form] = forms_in(remedy)
    asked = client.post(form["action"], form["data"])
    assert asked.status_code == 200
    assert asked.context["records"] == others[4:]


def test_a_viewer_posting_the_waitlist_button_changes_nothing(
    client, editor, viewer, crowded_hearing
):
    others = crowded_hearing["others"]
    client.force_login(editor)
    [remedy] = [m for m in messages_of(act(client, "approve", others, apply="1")) if "<form" in m]
    [form] = forms_in(remedy)
    client.force_login(viewer)
    refused = client.post(form["action"], {**form["data"], "apply": "1"}, follow=True)
    assert refused.templates[0].name != CONFIRM_PAGE
    assert statuses(others) == ["approved"] * 4 + ["pending"]


@pytest.fixture
def waiting_lists():
    first_hearing, second_hearing, third_hearing = (HearingFactory() for _ in range(3))
    waiting = [
        RegistrationFactory(
            hearing=first_hearing, status=RegistrationStatus.WAITLISTED, decided_at=NOW
        )
        for _ in range(2)
    ]
    waiting_elsewhere = RegistrationFactory(
        hearing=second_hearing, status=RegistrationStatus.WAITLISTED, decided_at=NOW
    )
    nobody_waits_here = RegistrationFactory(hearing=third_hearing)
    return waiting, waiting_elsewhere, nobody_waits_here


def test_promoting_the_oldest_waitlisted_asks_first_with_count_records_and_reason(
    client, editor, waiting_lists
):
    (oldest, younger), waiting_elsewhere, nobody_waits_here = waiting_lists
    client.force_login(editor)
    # Whichever rows are selected, the page names who would be promoted in their hearings.
    asked = act(
        client, "promote_oldest_waitlisted", [younger, waiting_elsewhere, nobody_waits_here]
    )
    assert asked.templates[0].name == CONFIRM_PAGE
    assert asked.context["count"] == 2
    assert asked.context["records"] == [oldest, waiting_elsewhere]
    assert "<strong>2 records</strong>" in asked.content.decode()
    assert statuses([oldest, younger, waiting_elsewhere]) == ["waitlisted"] * 3

    done = act(
        client,
        "promote_oldest_waitlisted",
        asked.context["records"],
        apply="1",
        reason="A seat freed up.",
    )
    assert messages_of(done) == [
        f"{oldest} is approved from the waiting list.",
        f"{waiting_elsewhere} is approved from the waiting list.",
    ]
    assert statuses([oldest, younger, waiting_elsewhere]) == ["approved", "waitlisted", "approved"]
    assert list(
        StatusChange.objects.filter(new_status="approved")
        .order_by("registration__created_at")
        .values_list("registration", "reason", "changed_by")
    ) == [
        (oldest.pk, "A seat freed up.", editor.pk),
        (waiting_elsewhere.pk, "A seat freed up.", editor.pk),
    ]


def test_promoting_where_nobody_waits_says_so_and_offers_no_button(client, editor, waiting_lists):
    *_waiting, nobody_waits_here = waiting_lists
    client.force_login(editor)
    asked = act(client, "promote_oldest_waitlisted", [nobody_waits_here])
    content = asked.content.decode()
    assert "Nobody is on the waiting list of these hearings: nobody to promote." in content
    assert 'name="apply"' not in content
    confirm = reverse(
        "admin:consultations_registration_confirm", args=["promote_oldest_waitlisted"]
    )
    assert client.get(confirm, {"ids": nobody_waits_here.pk}).context["records"] == []


def test_a_viewer_cannot_promote(client, viewer, waiting_lists):
    (oldest, _younger), *_others = waiting_lists
    client.force_login(viewer)
    confirm = reverse(
        "admin:consultations_registration_confirm", args=["promote_oldest_waitlisted"]
    )
    assert client.get(confirm, {"ids": oldest.pk}).status_code == 403
    act(client, "promote_oldest_waitlisted", [oldest], apply="1")
    assert statuses([oldest]) == ["waitlisted"]
