import datetime

import factory
from django.utils.text import slugify

from consultations.enums import OutcomeStatus, ParticipationRole, PublicationConsent, SegmentKind
from consultations.models import (
    Contribution,
    Hearing,
    KeyMessage,
    Outcome,
    Participation,
    Process,
    Registration,
    Segment,
    SubDiscussion,
)
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory, PersonFactory


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    title = factory.Sequence(lambda n: f"Process {n}")
    # A slug holds 120 characters; a full title may not fit.
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:120].strip("-"))
    code = factory.Sequence(lambda n: f"P{n}")


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearing

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Hearing {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:120].strip("-"))
    date = datetime.date(2030, 5, 14)
    venue = "Conference Room 4"
    city = "New York"
    organizer = "The President of the General Assembly"
    published = True


class OutcomeFactory(factory.django.DjangoModelFactory):
    """A hearing's outcome, published: its summaries and key messages are then public."""

    class Meta:
        model = Outcome

    hearing = factory.SubFactory(HearingFactory)
    title = factory.LazyAttribute(lambda o: f"Summary of {o.hearing.title}")
    status = OutcomeStatus.PUBLISHED


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    hearing = factory.SubFactory(HearingFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = SegmentKind.PANEL
    title = factory.Sequence(lambda n: f"Panel {n}")
    summary = "The panellists discussed."


class SubDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubDiscussion

    segment = factory.SubFactory(SegmentFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Region {n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    person = factory.SubFactory(PersonFactory)
    segment = factory.SubFactory(SegmentFactory)
    order = factory.Sequence(lambda n: n + 1)
    role = ParticipationRole.PANELLIST
    position = factory.SelfAttribute("person.position")
    organization = factory.SelfAttribute("person.organization")


class KeyMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyMessage

    segment = factory.SubFactory(SegmentFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "Legal pathways must expand."


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    hearing = factory.SubFactory(HearingFactory)
    name = factory.Sequence(lambda n: f"Registrant {n}")
    email = factory.Sequence(lambda n: f"registrant{n}@example.org")
    organization = factory.SubFactory(OrganizationFactory)
    category = StakeholderCategory.CIVIL_SOCIETY


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    hearing = factory.SubFactory(HearingFactory)
    organization = factory.SubFactory(OrganizationFactory)
    author_name = "Ana Gómez"
    author_email = "ana@example.org"
    category = StakeholderCategory.CIVIL_SOCIETY
    title = factory.Sequence(lambda n: f"Contribution {n}")
    # A text of its own, so that two contributions are not taken for a campaign group.
    body = factory.Sequence(lambda n: f"We recommend more regular pathways, point {n}.")
    consent = PublicationConsent.NAMED


def cite_past_the_rule(key_message, *contributions):
    """Citations the model refuses now (a contribution not published, or of another hearing),
    written as rows from before the rule, or as a citation whose contribution was taken down
    after it was cited, would be: the public views must still leave them out."""
    through = KeyMessage.contributions.through
    through.objects.bulk_create(
        through(keymessage=key_message, contribution=contribution) for contribution in contributions
    )
