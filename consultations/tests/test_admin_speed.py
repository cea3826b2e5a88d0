"""Every back office list costs the same number of queries with 5 rows as with 100, and the
hearing and segment forms cost the same however many inline rows they hold. The rows have
every relation filled, so that dropping a `select_related` or a prefetch fails here."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations import services
from consultations.enums import ContributionStatus, SegmentKind
from consultations.models import (
    AccreditationRule,
    HearingTranslation,
    Intervention,
    KeyMessageTranslation,
    Outcome,
    OutgoingEmail,
    SegmentTranslation,
    StatusChange,
    SubDiscussionTranslation,
)
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    ParticipationFactory,
    ProcessFactory,
    RegistrationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from consultations.tests.floor_support import approved
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

PUBLISHED_AT = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db

CATEGORIES = ["civil_society", "academia", "private_sector", "member_state", "observer"]


def full_hearing(**fields):
    return HearingFactory(supporting_organization=OrganizationFactory(), **fields)


def full_registration(editor):
    registration = RegistrationFactory(hearing=full_hearing(), decided_by=editor)
    AccreditationRule.objects.create(
        hearing=registration.hearing, category=registration.category, max_per_organization=2
    )
    return registration


def full_contribution(editor):
    segment = SegmentFactory(hearing=full_hearing())
    return ContributionFactory(hearing=segment.hearing, segment=segment, moderated_by=editor)


def full_floor_list(editor, i):
    return services.floor_list_for(SegmentFactory(kind=SegmentKind.INTERACTIVE))


def full_speaker_request(editor, i):
    segment = SegmentFactory(kind=SegmentKind.INTERACTIVE)
    return services.request_floor(approved(segment, f"Speaker {i}"), segment, by=editor)


def full_participation(editor, i):
    if i % 2:
        return ParticipationFactory(segment=None, sub_discussion=SubDiscussionFactory())
    return ParticipationFactory()


def full_intervention(editor, i):
    place = {"sub_discussion": SubDiscussionFactory()} if i % 2 else {"segment": SegmentFactory()}
    return Intervention.objects.create(
        organization=OrganizationFactory(), order=1, speaker_name="Speaker", **place
    )


def full_key_message(editor, i):
    message = KeyMessageFactory()
    message.contributions.set(
        [
            ContributionFactory(
                hearing=message.segment.hearing,
                status=ContributionStatus.PUBLISHED,
                published_at=PUBLISHED_AT,
            )
        ]
    )
    KeyMessageTranslation.objects.create(key_message=message, language="fr", text="Traduit")
    return message


BUILDERS = {
    "process": lambda editor, i: HearingFactory(process=ProcessFactory()).process,
    "hearing": lambda editor, i: full_hearing(),
    "segment": lambda editor, i: SegmentFactory(hearing=full_hearing()),
    "subdiscussion": lambda editor, i: SubDiscussionFactory(),
    "keymessage": full_key_message,
    "participation": full_participation,
    "intervention": full_intervention,
    "outcome": lambda editor, i: Outcome.objects.create(hearing=full_hearing(), title="Summary"),
    "accreditationrule": lambda editor, i: AccreditationRule.objects.create(
        hearing=full_hearing(), category=CATEGORIES[i % 5], max_per_organization=3
    ),
    "registration": lambda editor, i: full_registration(editor),
    "contribution": lambda editor, i: full_contribution(editor),
    "statuschange": lambda editor, i: StatusChange.objects.create(
        registration=RegistrationFactory() if i % 2 else None,
        contribution=None if i % 2 else ContributionFactory(),
        previous_status="pending",
        new_status="approved",
        changed_by=editor,
    ),
    "outgoingemail": lambda editor, i: OutgoingEmail.objects.create(
        to="a@example.org", subject="Subject", text="Text", html="<p>Text</p>"
    ),
    "organization": lambda editor, i: PersonFactory().organization,
    "person": lambda editor, i: PersonFactory(),
    "floorlist": full_floor_list,
    "speakerrequest": full_speaker_request,
    "hearingtranslation": lambda editor, i: HearingTranslation.objects.create(
        hearing=full_hearing(), language="fr", title="Audition", description="Texte"
    ),
    "segmenttranslation": lambda editor, i: SegmentTranslation.objects.create(
        segment=SegmentFactory(), language="fr", title="Panel", summary="Texte"
    ),
    "subdiscussiontranslation": lambda editor, i: SubDiscussionTranslation.objects.create(
        sub_discussion=SubDiscussionFactory(), language="fr", title="Région", summary="Texte"
    ),
    "keymessagetranslation": lambda editor, i: KeyMessageTranslation.objects.create(
        key_message=KeyMessageFactory(), language="fr", text="Traduit"
    ),
}


def test_every_list_is_measured():
    ours = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label in {"consultations", "stakeholders"}
    }
    assert ours == set(BUILDERS)


def changelist(model_name):
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    return reverse(f"admin:{model._meta.app_label}_{model_name}_changelist")


@pytest.mark.parametrize("name", BUILDERS)
def test_list_costs_the_same_with_5_and_100_rows(client, editor, django_assert_num_queries, name):
    client.force_login(editor)
    url = changelist(name)
    # Contributions: "all" so that the rows need not await review to be listed.
    query = {"moderation": "all"} if name == "contribution" else {}
    for i in range(5):
        BUILDERS[name](editor, i)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url, query)
    assert response.context["cl"].result_count >= 5
    for i in range(5, 100):
        BUILDERS[name](editor, i)
    with django_assert_num_queries(len(five)):
        response = client.get(url, query)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 100


def fill_segment(segment, rows):
    for i in range(rows):
        ParticipationFactory(segment=segment, order=100 + i)
        Intervention.objects.create(
            segment=segment, organization=OrganizationFactory(), order=100 + i
        )
        message = KeyMessageFactory(segment=segment, order=100 + i)
        message.contributions.set(
            [
                ContributionFactory(
                    hearing=segment.hearing,
                    status=ContributionStatus.PUBLISHED,
                    published_at=PUBLISHED_AT,
                )
                for _ in range(2)
            ]
        )
        SubDiscussionFactory(segment=segment, order=100 + i)


def test_segment_form_costs_the_same_however_many_rows(client, editor, django_assert_num_queries):
    client.force_login(editor)
    small, large = SegmentFactory(), SegmentFactory()
    fill_segment(small, 2)
    fill_segment(large, 20)
    # A first request fills the content-type cache, as on any running server.
    client.get(reverse("admin:consultations_segment_change", args=[small.pk]))
    with CaptureQueriesContext(connection) as two_rows:
        client.get(reverse("admin:consultations_segment_change", args=[small.pk]))
    with django_assert_num_queries(len(two_rows)):
        response = client.get(reverse("admin:consultations_segment_change", args=[large.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    # The autocomplete widgets still show who is selected, from the rows already loaded.
    participation = large.participations.select_related("person").first()
    assert f'<option value="{participation.person.pk}" selected>{participation.person}' in content


def fill_hearing(hearing, rows):
    for i in range(rows):
        SegmentFactory(hearing=hearing, order=100 + i)
    for category in CATEGORIES[: min(rows, 5)]:
        AccreditationRule.objects.create(hearing=hearing, category=category)
    Outcome.objects.create(hearing=hearing, title="Summary")
    HearingTranslation.objects.create(hearing=hearing, language="fr", title="Audition")


def test_hearing_form_costs_the_same_however_many_rows(client, editor, django_assert_num_queries):
    client.force_login(editor)
    small, large = full_hearing(), full_hearing()
    fill_hearing(small, 2)
    fill_hearing(large, 30)
    # A first request fills the content-type cache, as on any running server.
    client.get(reverse("admin:consultations_hearing_change", args=[small.pk]))
    with CaptureQueriesContext(connection) as two_rows:
        client.get(reverse("admin:consultations_hearing_change", args=[small.pk]))
    with django_assert_num_queries(len(two_rows)):
        response = client.get(reverse("admin:consultations_hearing_change", args=[large.pk]))
    assert response.status_code == 200


def test_dashboard_costs_the_same_however_many_hearings(client, editor, django_assert_num_queries):
    client.force_login(editor)
    for _ in range(2):
        RegistrationFactory(hearing=full_hearing(capacity=5))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("admin:index"))
    for _ in range(20):
        ContributionFactory(hearing=RegistrationFactory(hearing=full_hearing()).hearing)
    with django_assert_num_queries(len(two)):
        response = client.get(reverse("admin:index"))
    assert response.content.decode().count('class="dashboard-hearing"') == 22
