"""The back office: every record can be listed and edited by staff with the rights to, bad input is
answered with a plain sentence and stores nothing, and lists cost the same whatever their size."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.enums import ContributionStatus
from consultations.models import (
    Contribution,
    FloorList,
    Hearing,
    KeyMessage,
    OutgoingEmail,
    Participation,
    Process,
    ProcessDocument,
    ProcessPhase,
    Registration,
    SignatureBand,
    SpeakerRequest,
    StatusChange,
    SubDiscussion,
    TextSignature,
)
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    ParticipationFactory,
    RegistrationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from stakeholders.tests.factories import PersonFactory

PUBLISHED_AT = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db

OUR_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"consultations", "stakeholders"}
]


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Edited inline on their process's page, not listed on their own.
INLINE_ONLY = {ProcessPhase, ProcessDocument}
# The index that finds campaign groups by similarity, rebuilt by `regroup_campaigns`.
CAMPAIGN_INDEX = {TextSignature, SignatureBand}


def test_every_model_of_both_apps_is_in_the_back_office():
    expected = {
        model
        for app in ["consultations", "stakeholders"]
        for model in apps.get_app_config(app).get_models()
        # History rows are read from each record's "History" page, not listed on their own.
        if not model._meta.auto_created and not model.__name__.startswith("Historical")
    }
    assert set(OUR_MODELS) == expected - INLINE_ONLY - CAMPAIGN_INDEX
    assert {inline.model for inline in admin.site._registry[Process].inlines} >= INLINE_ONLY


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_lists_and_adds_every_record(client, editor, model):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    client.force_login(editor)
    assert client.get(admin_url(model)).status_code == 200
    # Only the services write the activity log, the email queue and the speakers' lists.
    expected = 403 if model in {StatusChange, OutgoingEmail, FloorList, SpeakerRequest} else 200
    assert client.get(admin_url(model, "add")).status_code == expected
    first = model.objects.first()
    if first is not None:
        assert client.get(admin_url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_viewer_may_look_but_not_add(client, viewer, model):
    client.force_login(viewer)
    # The emails sent to registrants and authors are for editors only (consultations.roles).
    expected = 403 if model is OutgoingEmail else 200
    assert client.get(admin_url(model)).status_code == expected
    assert client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize("persona", ["anonymous", "stakeholder"])
def test_outsiders_are_sent_to_the_login_page(client, stakeholder, persona):
    if persona == "stakeholder":
        client.force_login(stakeholder)
    response = client.get(admin_url(Hearing))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def hearing_form(process, **changes):
    data = {
        "process": process.pk,
        "title": "Third hearing",
        "slug": "third-hearing",
        "published": "on",
        "date": "2031-03-02",
        "venue": "Conference Room 4",
        "city": "New York",
        "country": "US",
        "time_zone": "America/New_York",
        "organizer": "The President of the General Assembly",
        "language": "en",
        "registration_opens_0": "2031-02-01",
        "registration_opens_1": "09:00",
        "registration_closes_0": "2031-01-01",
        "registration_closes_1": "09:00",
    }
    for prefix in ["segments", "accreditation_rules", "outcome", "translations"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_inverted_registration_window_is_explained_and_nothing_is_stored(client, editor):
    process = HearingFactory().process
    client.force_login(editor)
    response = client.post(admin_url(Hearing, "add"), hearing_form(process))
    assert response.status_code == 200
    assert "Registration must open before it closes." in response.content.decode()
    assert 'value="Third hearing"' in response.content.decode()
    assert not Hearing.objects.filter(slug="third-hearing").exists()


def test_editor_creates_a_hearing(client, editor):
    process = HearingFactory().process
    client.force_login(editor)
    response = client.post(
        admin_url(Hearing, "add"), hearing_form(process, registration_closes_0="2031-02-20")
    )
    assert response.status_code == 302
    hearing = Hearing.objects.get(slug="third-hearing")
    assert hearing.registration_opens < hearing.registration_closes


def test_participation_in_two_places_is_refused_with_a_sentence(client, editor):
    sub = SubDiscussionFactory()
    person = PersonFactory()
    client.force_login(editor)
    response = client.post(
        admin_url(Participation, "add"),
        {
            "person": person.pk,
            "segment": sub.segment.pk,
            "sub_discussion": sub.pk,
            "role": "panellist",
            "order": "1",
            "position": "Director",
        },
    )
    assert response.status_code == 200
    assert (
        "Place it either in the segment or in one of its sub-discussions, not in both."
        in response.content.decode()
    )
    assert Participation.objects.count() == 0


def test_duplicate_registration_email_is_refused_with_a_sentence(client, editor):
    """`submit_registration` finds the address under the hearing's lock; the back office says
    so and shows the registration it already has. Nothing is stored and nobody is emailed."""
    existing = RegistrationFactory(email="ana@example.org")
    client.force_login(editor)
    response = client.post(
        admin_url(Registration, "add"),
        {
            "hearing": existing.hearing.pk,
            "name": "Ana again",
            "email": "ANA@example.org",
            "category": "civil_society",
            "language": "en",
            "status": "pending",
        },
        follow=True,
    )
    assert response.redirect_chain == [(admin_url(Registration, "change", existing.pk), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "ana@example.org is already registered for this hearing: nothing was added. Here is "
        "that registration."
    ]
    assert Registration.objects.count() == 1
    assert StatusChange.objects.count() == OutgoingEmail.objects.count() == 0


ROW_BUILDERS = {
    "hearing": lambda: HearingFactory(),
    "participation": lambda: ParticipationFactory(),
    "person": lambda: PersonFactory(),
    "registration": lambda: RegistrationFactory(),
    "contribution": lambda: ContributionFactory(),
}


@pytest.mark.parametrize("name", ROW_BUILDERS)
def test_back_office_lists_cost_the_same_whatever_their_size(
    client, editor, django_assert_num_queries, name
):
    model = next(m for m in OUR_MODELS if m._meta.model_name == name)
    client.force_login(editor)
    ROW_BUILDERS[name]()
    with CaptureQueriesContext(connection) as one_row:
        client.get(admin_url(model))
    for _ in range(10):
        ROW_BUILDERS[name]()
    with django_assert_num_queries(len(one_row)):
        response = client.get(admin_url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 11


def registration_form(registration, **changes):
    return {
        "hearing": registration.hearing.pk,
        "honorific": "",
        "name": registration.name,
        "email": registration.email,
        "organization": registration.organization.pk,
        "organization_name": "",
        "position": "",
        "category": registration.category,
        "country": "",
        "status": registration.status,
    } | changes


def contribution_form(contribution, **changes):
    return {
        "hearing": contribution.hearing.pk,
        "segment": "",
        "organization": contribution.organization.pk,
        "author_name": contribution.author_name,
        "author_email": contribution.author_email,
        "category": contribution.category,
        "country": "",
        "title": contribution.title,
        "body": contribution.body,
        "language": "en",
        "consent": "named",
        "status": contribution.status,
    } | changes


def test_contribution_segment_of_another_hearing_is_refused(client, editor):
    contribution = ContributionFactory()
    elsewhere = SegmentFactory()
    client.force_login(editor)
    response = client.post(
        admin_url(Contribution, "change", contribution.pk),
        contribution_form(contribution, segment=elsewhere.pk),
    )
    assert response.status_code == 200
    assert "Choose a segment of the same hearing." in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.segment is None


def segment_inline_form(hearing, rows, **extra):
    data = {"segments-TOTAL_FORMS": str(len(rows)), "segments-INITIAL_FORMS": str(len(rows))}
    for i, (segment, order) in enumerate(rows):
        data |= {
            f"segments-{i}-id": segment.pk,
            f"segments-{i}-hearing": hearing.pk,
            f"segments-{i}-order": order,
            f"segments-{i}-kind": segment.kind,
            f"segments-{i}-title": segment.title,
        }
    return data | extra


def change_hearing_programme(client, hearing, rows):
    data = {
        "process": hearing.process.pk,
        "title": hearing.title,
        "slug": hearing.slug,
        "published": "on",
        "date": str(hearing.date),
        "organizer": hearing.organizer,
        "time_zone": hearing.time_zone,
        "language": "en",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "accreditation_rules-TOTAL_FORMS": "0",
        "accreditation_rules-INITIAL_FORMS": "0",
        "outcome-TOTAL_FORMS": "0",
        "outcome-INITIAL_FORMS": "0",
    }
    return client.post(
        admin_url(Hearing, "change", hearing.pk), data | segment_inline_form(hearing, rows)
    )


@pytest.fixture
def two_segments(client, editor):
    """A hearing with segments First (1) and Second (2), and an editor signed in."""
    hearing = HearingFactory()
    client.force_login(editor)
    return (
        hearing,
        SegmentFactory(hearing=hearing, order=1, title="First"),
        SegmentFactory(hearing=hearing, order=2, title="Second"),
    )


def test_segments_swap_places_in_one_save(client, two_segments):
    hearing, first, second = two_segments
    response = change_hearing_programme(client, hearing, [(first, 2), (second, 1)])
    assert response.status_code == 302
    assert list(hearing.segments.order_by("order").values_list("title", "order")) == [
        ("Second", 1),
        ("First", 2),
    ]


def test_two_segments_with_one_number_are_refused_with_a_sentence(client, two_segments):
    hearing, first, second = two_segments
    response = change_hearing_programme(client, hearing, [(first, 3), (second, 3)])
    assert response.status_code == 200
    assert "Please correct the duplicate data for order." in response.content.decode()
    assert list(hearing.segments.order_by("order").values_list("order", flat=True)) == [1, 2]


def test_key_message_cites_only_contributions_to_its_hearing(client, editor):
    segment = SegmentFactory()
    own = ContributionFactory(
        hearing=segment.hearing, status=ContributionStatus.PUBLISHED, published_at=PUBLISHED_AT
    )
    draft = ContributionFactory(hearing=segment.hearing, reference="C-DRAFT")
    foreign = ContributionFactory(status=ContributionStatus.PUBLISHED, published_at=PUBLISHED_AT)
    client.force_login(editor)
    form = {
        "segment": segment.pk,
        "order": "1",
        "language": "en",
        "text": "Expand pathways.",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    refused = client.post(admin_url(KeyMessage, "add"), form | {"contributions": [foreign.pk]})
    assert refused.status_code == 200
    assert "Cite only contributions made to this hearing." in refused.content.decode()
    assert KeyMessage.objects.count() == 0
    unpublished = client.post(admin_url(KeyMessage, "add"), form | {"contributions": [draft.pk]})
    assert unpublished.status_code == 200
    assert "Cite only published contributions: C-DRAFT is not published." in (
        unpublished.content.decode()
    )
    assert KeyMessage.objects.count() == 0
    accepted = client.post(admin_url(KeyMessage, "add"), form | {"contributions": [own.pk]})
    assert accepted.status_code == 302
    assert list(KeyMessage.objects.get().contributions.all()) == [own]


def sub_discussion_form(sub, **changes):
    data = {"segment": sub.segment.pk, "order": "1", "title": sub.title, "language": "en"}
    for prefix in ["participations", "interventions", "translations"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_sub_discussion_regions_are_ticked_as_one_group(client, editor):
    sub = SubDiscussionFactory(title="Africa and Europe")
    client.force_login(editor)
    url = admin_url(SubDiscussion, "change", sub.pk)
    form = client.get(url).content.decode()
    for value, label in [("africa", "Africa"), ("europe", "Europe"), ("oceania", "Oceania")]:
        assert f'<input type="checkbox" name="regions" value="{value}"' in form
        assert f"{label}</label>" in form
    response = client.post(url, sub_discussion_form(sub, regions=["europe", "africa"]))
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.regions == ["africa", "europe"]
    listed = client.get(admin_url(SubDiscussion)).content.decode()
    assert '<td class="field-regions_label">Africa and Europe</td>' in listed


def test_unknown_sub_discussion_region_is_refused_and_nothing_stored(client, editor):
    sub = SubDiscussionFactory(regions=["asia"])
    client.force_login(editor)
    response = client.post(
        admin_url(SubDiscussion, "change", sub.pk),
        sub_discussion_form(sub, regions=["asia", "middle_east"]),
    )
    assert response.status_code == 200
    assert "Select a valid choice. middle_east is not one of the available choices." in (
        response.content.decode()
    )
    sub.refresh_from_db()
    assert sub.regions == ["asia"]
