import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.signals import pre_save
from django.utils import timezone

from consultations.enums import (
    ContributionStatus,
    HearingStatus,
    ParticipationRole,
    RegistrationStatus,
    TranslationStatus,
    UNLanguage,
)
from consultations.models import (
    Contribution,
    Hearing,
    HearingTranslation,
    Intervention,
    KeyMessageTranslation,
    Participation,
    SegmentTranslation,
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
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def test_hearing_slugs_are_unique(violates):
    HearingFactory(slug="geneva")
    with violates("slug"):
        HearingFactory(slug="geneva")


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(NOW, NOW - DAY), (NOW, NOW)],
    ids=["closes-before-it-opens", "closes-as-it-opens"],
)
@pytest.mark.parametrize(
    ("window", "constraint"),
    [
        (("registration_opens", "registration_closes"), "hearing_registration_window_valid"),
        (("contributions_open", "contributions_close"), "hearing_contribution_window_valid"),
    ],
    ids=["registration", "contributions"],
)
def test_hearing_window_must_open_before_it_closes(violates, window, constraint, opens, closes):
    with violates(constraint):
        HearingFactory(**{window[0]: opens, window[1]: closes})


def test_hearing_windows_may_lack_either_end_or_be_well_ordered():
    HearingFactory(registration_opens=None, registration_closes=None)
    HearingFactory(registration_opens=NOW, contributions_close=NOW)
    HearingFactory(
        registration_opens=NOW,
        registration_closes=NOW + DAY,
        contributions_open=NOW - DAY,
        contributions_close=NOW,
    )
    assert Hearing.objects.count() == 3


@pytest.mark.parametrize(
    ("opens", "closes", "at", "expected"),
    [
        (NOW - DAY, NOW + DAY, NOW, True),
        (NOW, NOW + DAY, NOW, True),
        (NOW - DAY, NOW, NOW, False),
        (NOW + DAY, NOW + 2 * DAY, NOW, False),
        (None, NOW + DAY, NOW, False),
        (NOW - DAY, None, NOW, False),
        (None, None, NOW, False),
    ],
    ids=["inside", "opening-moment", "closing-moment", "not-yet", "no-start", "no-end", "none"],
)
def test_forms_are_open_only_inside_a_complete_window(opens, closes, at, expected):
    hearing = HearingFactory.build(
        registration_opens=opens,
        registration_closes=closes,
        contributions_open=opens,
        contributions_close=closes,
    )
    assert hearing.registration_window.is_open(at) is expected
    assert hearing.contribution_window.is_open(at) is expected


def test_forms_are_judged_against_the_present_by_default():
    hearing = HearingFactory.build(registration_opens=NOW - DAY, registration_closes=NOW + DAY)
    assert hearing.registration_window.is_open() is True
    assert hearing.contribution_window.is_open() is False


def test_hearing_must_start_before_it_ends(violates):
    with violates("hearing_starts_before_it_ends"):
        HearingFactory(start_time=datetime.time(15), end_time=datetime.time(10))


def test_hearing_capacity_is_positive(violates):
    with violates("hearing_capacity_positive"):
        HearingFactory(capacity=0)


def test_hearing_needs_an_organizer(violates):
    with violates("hearing_title_slug_organizer_not_empty"):
        HearingFactory(organizer="")


def test_process_code_is_unique(violates):
    ProcessFactory(code="GCM")
    with violates("code"):
        ProcessFactory(code="GCM")


@pytest.mark.parametrize("code", ["A/B", "A.B", "GCM 2", "GCM\n", "Ñ1", "A-B"])
def test_a_process_code_is_letters_and_digits(violates, code):
    """It starts every contribution reference and the process's address: a "/" or a "." made
    them impossible to link, and every page listing them failed."""
    process = ProcessFactory.build(code=code)
    with pytest.raises(ValidationError) as refused:
        process.full_clean()
    assert refused.value.message_dict["code"] == [
        "A code holds letters and digits only, e.g. GCM: it starts every contribution reference "
        "and the process's address."
    ]
    with violates("process_code_letters_and_digits"):
        ProcessFactory(code=code)


def test_hearing_status_follows_the_date():
    today = timezone.localdate()
    assert HearingFactory(date=today + DAY).status == HearingStatus.UPCOMING
    assert HearingFactory(date=today).status == HearingStatus.ONGOING
    assert HearingFactory(date=today - DAY).status == HearingStatus.PAST


def test_current_and_past_list_published_hearings_only_in_order():
    today = timezone.localdate()
    later = HearingFactory(date=today + 10 * DAY)
    soon = HearingFactory(date=today)
    HearingFactory(date=today + DAY, published=False)
    recent = HearingFactory(date=today - DAY)
    old = HearingFactory(date=today - 400 * DAY)
    HearingFactory(date=today - 2 * DAY, published=False)
    assert list(Hearing.objects.current()) == [soon, later]
    assert list(Hearing.objects.past()) == [recent, old]


def test_programme_order_is_unique_per_hearing(violates):
    segment = SegmentFactory(order=1)
    SegmentFactory(order=1)  # another hearing may reuse the number
    with violates("segment_order_unique"):
        SegmentFactory(hearing=segment.hearing, order=1)


def test_segment_must_start_before_it_ends(violates):
    with violates("segment_starts_before_it_ends"):
        SegmentFactory(start_time=datetime.time(11), end_time=datetime.time(10, 30))
    SegmentFactory(start_time=datetime.time(10), end_time=datetime.time(11))


@pytest.mark.parametrize(
    ("factory", "field", "constraint"),
    [
        (ProcessFactory, "title", "process_title_slug_code_not_empty"),
        (SegmentFactory, "title", "segment_title_not_empty"),
        (SubDiscussionFactory, "title", "sub_discussion_title_not_empty"),
        (KeyMessageFactory, "text", "key_message_text_not_empty"),
        (RegistrationFactory, "email", "registration_name_email_not_empty"),
    ],
)
def test_required_texts_cannot_be_empty(violates, factory, field, constraint):
    with violates(constraint):
        factory(**{field: ""})


@pytest.mark.parametrize(
    ("factory", "constraint"),
    [
        (HearingFactory, "hearing_language_valid"),
        (SegmentFactory, "segment_language_valid"),
        (SubDiscussionFactory, "sub_discussion_language_valid"),
        (KeyMessageFactory, "key_message_language_valid"),
    ],
)
def test_original_language_is_a_un_language(violates, factory, constraint):
    with violates(constraint):
        factory(language="de")


def test_segment_kind_must_be_known(violates):
    with violates("segment_kind_valid"):
        SegmentFactory(kind="coffee_break")


def test_sub_discussion_order_is_unique_per_segment(violates):
    sub = SubDiscussionFactory(order=1)
    with violates("sub_discussion_order_unique"):
        SubDiscussionFactory(segment=sub.segment, order=1)


def test_sub_discussion_regions_are_stored_once_each_in_m49_order():
    sub = SubDiscussionFactory(regions=["europe", "africa", "europe"])
    sub.refresh_from_db()
    assert sub.regions == ["africa", "europe"]
    assert str(sub.regions_label) == "Africa and Europe"
    assert SubDiscussionFactory().regions == []
    assert str(SubDiscussionFactory(regions=["asia", "americas", "oceania"]).regions_label) == (
        "Americas, Asia and Oceania"
    )


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        (["africa", "middle_east"], "middle_east is not one of the M49 regions."),
        ("africa", "Choose the regions from the list."),
        ({"africa": True}, "Choose the regions from the list."),
    ],
)
def test_sub_discussion_regions_must_be_m49_regions(regions, message):
    sub = SubDiscussionFactory.build(segment=SegmentFactory(), regions=regions)
    with pytest.raises(ValidationError) as raised:
        sub.full_clean()
    assert raised.value.message_dict == {"regions": [message]}


def test_key_message_order_is_unique_per_segment(violates):
    message = KeyMessageFactory(order=1)
    with violates("key_message_order_unique"):
        KeyMessageFactory(segment=message.segment, order=1)


def test_participation_sits_in_a_segment_or_a_sub_discussion_never_both(violates):
    sub = SubDiscussionFactory()
    with violates("participation_in_one_place"):
        ParticipationFactory(segment=sub.segment, sub_discussion=sub)
    with violates("participation_in_one_place"):
        ParticipationFactory(segment=None, sub_discussion=None)
    ParticipationFactory(segment=None, sub_discussion=sub)
    assert Participation.objects.get().place == sub


def test_participation_order_is_unique_in_its_place(violates):
    first = ParticipationFactory(order=1)
    with violates("participation_order_unique_in_segment"):
        ParticipationFactory(segment=first.segment, order=1)
    sub = SubDiscussionFactory()
    ParticipationFactory(segment=None, sub_discussion=sub, order=1)
    with violates("participation_order_unique_in_sub_discussion"):
        ParticipationFactory(segment=None, sub_discussion=sub, order=1)


def test_intervention_sits_in_one_place_with_its_own_number(violates):
    sub = SubDiscussionFactory()
    speaker = OrganizationFactory()
    with violates("intervention_in_one_place"):
        Intervention.objects.create(
            segment=sub.segment, sub_discussion=sub, organization=speaker, order=1
        )
    Intervention.objects.create(segment=sub.segment, organization=speaker, order=1)
    with violates("intervention_order_unique_in_segment"):
        Intervention.objects.create(segment=sub.segment, organization=speaker, order=1)
    Intervention.objects.create(sub_discussion=sub, organization=speaker, order=1)
    with violates("intervention_order_unique_in_sub_discussion"):
        Intervention.objects.create(sub_discussion=sub, organization=speaker, order=1)
    assert Intervention.objects.count() == 2


def test_participation_role_must_be_known(violates):
    with violates("participation_role_valid"):
        ParticipationFactory(role="keynote")


def test_role_groups_label_singular_and_plural_in_programme_order():
    segment = SegmentFactory()
    ParticipationFactory(segment=segment, order=1, role=ParticipationRole.MODERATOR)
    ParticipationFactory(segment=segment, order=2, role=ParticipationRole.PANELLIST)
    ParticipationFactory(segment=segment, order=3, role=ParticipationRole.PANELLIST)
    groups = [(str(label), len(people)) for label, people in segment.role_groups()]
    assert groups == [("Moderator", 1), ("Panellists", 2)]


def test_one_registration_per_hearing_and_email_ignoring_case(violates):
    registration = RegistrationFactory(email="Ana.Gomez@Example.org")
    RegistrationFactory(email="ana.gomez@example.org")  # another hearing: fine
    with violates("registration_one_per_email_per_hearing"):
        RegistrationFactory(hearing=registration.hearing, email="ANA.GOMEZ@example.ORG")


def test_registration_status_must_be_known(violates):
    with violates("registration_status_valid"):
        RegistrationFactory(status="maybe")


def test_registration_category_must_be_known(violates):
    with violates("registration_category_valid"):
        RegistrationFactory(category="lobbyist")


@pytest.mark.parametrize("status", RegistrationStatus.decided())
def test_a_decision_on_a_registration_is_dated(violates, status):
    with violates("registration_decision_dated"):
        RegistrationFactory(status=status, decided_at=None)
    RegistrationFactory(status=status, decided_at=NOW)


def test_contribution_references_follow_process_and_year():
    hearing = HearingFactory(process=ProcessFactory(code="GCM"), date=datetime.date(2017, 10, 11))
    first = ContributionFactory(hearing=hearing)
    second = ContributionFactory(hearing=hearing)
    assert (first.reference, second.reference) == ("GCM-2017-0001", "GCM-2017-0002")


def test_contribution_reference_numbering_passes_9999():
    hearing = HearingFactory(process=ProcessFactory(code="GCM"), date=datetime.date(2017, 10, 11))
    ContributionFactory(hearing=hearing, reference="GCM-2017-9999")
    ContributionFactory(hearing=hearing, reference="GCM-2017-10000")
    assert Contribution.next_reference(hearing) == "GCM-2017-10001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_references():
    """Two submissions choose their number at the same moment, then both store it, each in its
    own thread and database connection, as two requests would."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite admits one writer at a time: two submissions cannot race there.")
    hearing = HearingFactory(process=ProcessFactory(code="GCM"), date=datetime.date(2017, 10, 11))
    both_chose = threading.Barrier(2, timeout=10)

    def wait_for_the_other(sender, instance, **kwargs):
        if instance.reference == "GCM-2017-0001":
            both_chose.wait()

    def submit(author):
        try:
            ContributionFactory(hearing=hearing, organization=None, author_name=author)
        finally:
            connection.close()

    pre_save.connect(wait_for_the_other, sender=Contribution)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for outcome in [pool.submit(submit, "First"), pool.submit(submit, "Second")]:
                outcome.result()
    finally:
        pre_save.disconnect(wait_for_the_other, sender=Contribution)
    assert sorted(Contribution.objects.values_list("reference", flat=True)) == [
        "GCM-2017-0001",
        "GCM-2017-0002",
    ]


def test_contribution_segment_must_belong_to_its_hearing():
    contribution = ContributionFactory.build(hearing=HearingFactory(), segment=SegmentFactory())
    with pytest.raises(ValidationError) as caught:
        contribution.full_clean()
    assert caught.value.message_dict["segment"] == ["Choose a segment of the same hearing."]
    contribution.segment = SegmentFactory(hearing=contribution.hearing)
    contribution.full_clean(exclude=["reference"])


def test_contribution_references_are_unique(violates):
    ContributionFactory(reference="GCM-2017-0042")
    with violates("reference"):
        ContributionFactory(reference="GCM-2017-0042")


def test_published_contribution_has_a_publication_date(violates):
    with violates("contribution_publication_dated"):
        ContributionFactory(status=ContributionStatus.PUBLISHED, published_at=None)
    ContributionFactory(status=ContributionStatus.PUBLISHED, published_at=NOW)
    assert Contribution.objects.published().count() == 1


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("status", "draft", "contribution_status_valid"),
        ("consent", "maybe", "contribution_consent_valid"),
        ("language", "de", "contribution_language_valid"),
        ("category", "lobbyist", "contribution_category_valid"),
        ("body", "", "contribution_required_text_not_empty"),
    ],
)
def test_contribution_values_are_checked_by_the_database(violates, field, value, constraint):
    with violates(constraint):
        ContributionFactory(**{field: value})


def test_contribution_region_comes_from_its_country():
    contribution = ContributionFactory(country="LB")
    contribution.refresh_from_db()
    assert contribution.region == "asia"


def test_one_translation_per_language(violates):
    segment = SegmentFactory()
    SegmentTranslation.objects.create(segment=segment, language=UNLanguage.FRENCH, title="Panel")
    with violates("segment_translation_one_per_language"):
        SegmentTranslation.objects.create(segment=segment, language=UNLanguage.FRENCH, title="x")


def test_translation_language_must_be_a_un_language(violates):
    with violates("segment_translation_language_valid"):
        SegmentTranslation.objects.create(segment=SegmentFactory(), language="de", title="Panel")


@pytest.mark.parametrize(
    ("model", "owner", "factory", "texts"),
    [
        (HearingTranslation, "hearing", HearingFactory, {"title": "Audition"}),
        (SegmentTranslation, "segment", SegmentFactory, {"title": "Table ronde"}),
        (SubDiscussionTranslation, "sub_discussion", SubDiscussionFactory, {"title": "Afrique"}),
        (KeyMessageTranslation, "key_message", KeyMessageFactory, {"text": "Message"}),
    ],
)
def test_translation_status_must_be_known(violates, model, owner, factory, texts):
    with violates(f"{owner}_translation_status_valid"):
        model.objects.create(
            **{owner: factory()}, language="fr", translation_status="guessed", **texts
        )


def test_a_translation_is_never_in_the_original_language():
    segment = SegmentFactory(language="en")
    translation = SegmentTranslation(segment=segment, language="en", title="Panel")
    with pytest.raises(ValidationError) as caught:
        translation.full_clean()
    assert caught.value.message_dict["language"] == [
        "The text was written in this language: edit the original instead."
    ]
    translation.language = "es"
    translation.full_clean()


def test_shown_text_prefers_the_prefetched_translation():
    segment = SegmentFactory(title="Regional perspectives")
    SegmentTranslation.objects.create(
        segment=segment,
        language=UNLanguage.FRENCH,
        title="Perspectives régionales",
        translation_status=TranslationStatus.VERIFIED,
    )
    from consultations.models import Segment

    in_french = Segment.objects.prefetch_related(Segment.translations_prefetch("fr")).get()
    in_arabic = Segment.objects.prefetch_related(Segment.translations_prefetch("ar")).get()
    assert in_french.shown_text.title == "Perspectives régionales"
    assert in_french.shown_text.translation_status == TranslationStatus.VERIFIED
    assert in_arabic.shown_text.title == "Regional perspectives"
    assert in_arabic.shown_text.translation_status == TranslationStatus.ORIGINAL


UNICODE_TEXTS = [
    "Miroslav Lajčák",
    "Jürg Lauber",
    "Juan José Gómez Camacho",
    "الهجرة الآمنة والمنظمة والنظامية",
    "安全、有序和正常移民全球契约",
    "Глобальный договор о миграции",  # noqa: RUF001 (Cyrillic on purpose)
    "Migrants 🌍🤝 — “quotes” & <tags>",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_unicode_is_kept_exactly_as_entered(text):
    organization = OrganizationFactory(name=text, slug="unicode-org")
    person = PersonFactory(name=text, slug="unicode-person", organization=organization)
    hearing = HearingFactory(title=text, slug="unicode-hearing", description=text)
    segment = SegmentFactory(hearing=hearing, title=text, summary=f"{text}\n\n{text}")
    registration = RegistrationFactory(hearing=hearing, name=text)
    contribution = ContributionFactory(hearing=hearing, title=text, body=text, author_name=text)
    for record, fields in [
        (organization, ["name"]),
        (person, ["name"]),
        (hearing, ["title", "description"]),
        (segment, ["title", "summary"]),
        (registration, ["name"]),
        (contribution, ["title", "body", "author_name"]),
    ]:
        stored = type(record).objects.get(pk=record.pk)
        for field in fields:
            assert getattr(stored, field) == getattr(record, field)
    assert type(organization).objects.get(name=text) == organization


def test_natural_keys_find_their_record_again():
    sub = SubDiscussionFactory()
    records = [
        sub,
        sub.segment,
        sub.segment.hearing,
        KeyMessageFactory(segment=sub.segment),
        ParticipationFactory(segment=sub.segment),
        ParticipationFactory(segment=None, sub_discussion=sub),
    ]
    for record in records:
        manager = type(record).objects
        assert manager.get_by_natural_key(*record.natural_key()) == record
