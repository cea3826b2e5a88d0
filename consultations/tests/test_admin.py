"""The back office: every record can be listed and edited by staff with the rights to, bad input is
answered with a plain sentence and stores nothing, and lists cost the same whatever their size."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Hearing, Participation, Registration
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    ParticipationFactory,
    RegistrationFactory,
    SubDiscussionFactory,
)
from stakeholders.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

OUR_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"consultations", "stakeholders"}
]


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_both_apps_is_in_the_back_office():
    expected = {
        model
        for app in ["consultations", "stakeholders"]
        for model in apps.get_app_config(app).get_models()
        if not model._meta.auto_created
    }
    assert set(OUR_MODELS) == expected


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_lists_and_adds_every_record(client, editor, model):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    client.force_login(editor)
    assert client.get(admin_url(model)).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 200
    first = model.objects.first()
    if first is not None:
        assert client.get(admin_url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.model_name)
def test_viewer_may_look_but_not_add(client, viewer, model):
    client.force_login(viewer)
    assert client.get(admin_url(model)).status_code == 200
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
        "organizer": "The President of the General Assembly",
        "language": "en",
        "registration_opens_0": "2031-02-01",
        "registration_opens_1": "09:00",
        "registration_closes_0": "2031-01-01",
        "registration_closes_1": "09:00",
    }
    for prefix in ["segments", "translations"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_inverted_registration_window_is_explained_and_nothing_is_stored(client, editor):
    process = HearingFactory().process
    client.force_login(editor)
    response = client.post(admin_url(Hearing, "add"), hearing_form(process))
    assert response.status_code == 200
    assert (
        "Registration must open before it closes; leave both empty to keep it closed."
        in response.content.decode()
    )
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
    existing = RegistrationFactory(email="ana@example.org")
    client.force_login(editor)
    response = client.post(
        admin_url(Registration, "add"),
        {
            "hearing": existing.hearing.pk,
            "name": "Ana again",
            "email": "ANA@example.org",
            "category": "civil_society",
            "status": "pending",
        },
    )
    assert response.status_code == 200
    assert "This email address is already registered for this hearing." in response.content.decode()
    assert Registration.objects.count() == 1


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
