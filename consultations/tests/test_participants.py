"""The list of participants, as a page and a PDF: speakers, then approved registrants who agreed
to be listed, by category and organization, with name, position and organization only; public
with the outcome, previewed by staff; the same few queries whatever its length; and the
registration form promising exactly that."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from consultations.enums import OutcomeStatus, ParticipationRole, RegistrationStatus
from consultations.identity import SITE_NAME
from consultations.models import Outcome
from consultations.tests.documents_support import flowing, pdftotext
from consultations.tests.factories import (
    HearingFactory,
    OutcomeFactory,
    ParticipationFactory,
    RegistrationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from consultations.tests.forms_support import open_hearing
from consultations.tests.sitemap_support import sitemap_text
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/"


def registrant(hearing, name, status=RegistrationStatus.APPROVED, listed=True, **fields):
    decided = status in RegistrationStatus.decided()
    return RegistrationFactory(
        hearing=hearing,
        name=name,
        email=f"{slugify(name)}@example.org",
        status=status,
        listed_publicly=listed,
        decided_at=timezone.now() if decided else None,
        **fields,
    )


@pytest.fixture
def hearing():
    """A hearing with a published outcome, two speakers and registrants of every kind."""
    outcome = OutcomeFactory(hearing=HearingFactory(title="Hearing on pathways"))
    hearing = outcome.hearing
    state = OrganizationFactory(name="Ruritania", category=StakeholderCategory.MEMBER_STATE)
    network = OrganizationFactory(name="Zeta Network")
    panel = SegmentFactory(hearing=hearing, title="Pathways")
    ParticipationFactory(
        segment=panel,
        role=ParticipationRole.MODERATOR,
        person=PersonFactory(honorific="H.E. Ms.", name="Ada Envoy", organization=state),
        position="Permanent Representative",
        organization=state,
    )
    speaker = PersonFactory(honorific="Mr.", name="Ben Speaker", organization=network)
    ParticipationFactory(segment=panel, person=speaker, position="Director", organization=network)
    # A second role of the same person, later in the programme: listed once, as first seen.
    sub = SubDiscussionFactory(segment=SegmentFactory(hearing=hearing, title="Regions"))
    ParticipationFactory(
        segment=None, sub_discussion=sub, person=speaker, position="Later title", organization=None
    )
    alpha = OrganizationFactory(name="Alpha Union", category=StakeholderCategory.TRADE_UNION)
    registrant(hearing, "Carla Listed", position="Researcher", organization=network,
               honorific="Dr.", country="FR", accessibility_needs="Step-free access")  # fmt: skip
    registrant(hearing, "Dan Listed", position="Organizer", organization=alpha,
               category=StakeholderCategory.TRADE_UNION)  # fmt: skip
    registrant(hearing, "Eve Typed", organization=None, organization_name="Typed Collective")
    registrant(hearing, "Hidden Unconsenting", listed=False)
    for status in [
        RegistrationStatus.PENDING,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.REJECTED,
        RegistrationStatus.CANCELLED,
    ]:
        registrant(hearing, f"Hidden {status.label}", status=status)
    registrant(HearingFactory(), "Hidden Elsewhere")
    return hearing


HIDDEN = [
    "Hidden Unconsenting",
    "Hidden Pending",
    "Hidden Waitlisted",
    "Hidden Rejected",
    "Hidden Cancelled",
    "Hidden Elsewhere",
    "@example.org",
    "carla-listed@",
    "France",
    "Step-free access",
    "Later title",
]


def page_text(response):
    """The page's visible words, tags removed, spaces folded, none left before a comma."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split()).replace(" ,", ",")


def test_the_list_shows_speakers_then_consenting_approved_registrants(client, hearing):
    text = page_text(client.get(reverse("consultations:participants", args=[hearing.slug])))
    speakers, registrants = text.split("Registered participants", 1)
    speakers = speakers.split("Speakers in the programme", 1)[1]
    assert speakers.strip() == (
        "Member State Ruritania H.E. Ms. Ada Envoy, Permanent Representative "
        "Civil society organization Zeta Network Mr. Ben Speaker, Director"
    )
    # Up to the footer, which opens with the site's name.
    assert registrants.split(str(SITE_NAME))[0].strip() == (
        "Civil society organization "
        "Typed Collective Eve Typed "
        "Zeta Network Dr. Carla Listed, Researcher "
        "Trade union Alpha Union Dan Listed, Organizer"
    )
    assert [hidden for hidden in HIDDEN if hidden in text] == []


def test_the_pdf_lists_the_same_people_and_nobody_else(client, hearing, tmp_path):
    response = client.get(reverse("consultations:participants_pdf", args=[hearing.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{hearing.slug}-participants.pdf"'
    )
    pages = pdftotext(response.content, tmp_path)
    text = flowing("\n".join(pages))
    for shown in [
        "List of participants",
        "H.E. Ms. Ada Envoy, Permanent Representative",
        "Mr. Ben Speaker, Director",
        "Dr. Carla Listed, Researcher",
        "Dan Listed, Organizer",
        "Typed Collective",
        "Eve Typed",
        f"page 1 of {len(pages)}",
    ]:
        assert shown in text, shown
    assert text.index("Ben Speaker") < text.index("Registered participants")
    assert text.index("Registered participants") < text.index("Carla Listed")
    assert [hidden for hidden in HIDDEN if hidden in text] == []


@pytest.mark.parametrize("name", ["participants", "participants_pdf"])
def test_the_list_waits_for_the_published_outcome(client, stakeholder, viewer, hearing, name):
    url = reverse(f"consultations:{name}", args=[hearing.slug])
    hearing.outcome.status = OutcomeStatus.DRAFT
    hearing.outcome.save()
    assert client.get(url).status_code == 404
    client.force_login(stakeholder)
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    preview = client.get(url)
    assert preview.status_code == 200  # staff preview it
    if name == "participants":
        text = page_text(preview)
        assert "Draft: this list is published with the outcome" in text
        assert "Carla Listed" in text
        assert [hidden for hidden in HIDDEN if hidden in text] == []

    client.logout()
    hearing.outcome.delete()
    assert client.get(url).status_code == 404
    Outcome.objects.create(hearing=hearing, title="Summary", status=OutcomeStatus.PUBLISHED)
    assert client.get(url).status_code == 200
    hearing.published = False
    hearing.save()
    assert client.get(url).status_code == 404
    assert client.get(reverse(f"consultations:{name}", args=["no-such"])).status_code == 404


def test_a_registrant_approved_later_joins_the_list_and_one_cancelled_leaves_it(client, hearing):
    url = reverse("consultations:participants", args=[hearing.slug])
    pending = hearing.registrations.get(name="Hidden Pending")
    assert "Hidden Pending" not in page_text(client.get(url))
    pending.status, pending.decided_at = RegistrationStatus.APPROVED, timezone.now()
    pending.save()
    assert "Hidden Pending" in page_text(client.get(url))
    pending.status = RegistrationStatus.CANCELLED
    pending.save()
    assert "Hidden Pending" not in page_text(client.get(url))


def test_the_cached_list_shows_a_walk_in_registered_approved(client, hearing, settings):
    settings.PAGE_CACHE_SECONDS = 60
    url = reverse("consultations:participants", args=[hearing.slug])
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    registrant(hearing, "Walk In")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Walk In" in page_text(response)


@pytest.mark.parametrize("size", [2, 30])
def test_the_list_costs_the_same_queries_whatever_its_length(
    client, django_assert_num_queries, size
):
    hearing = OutcomeFactory().hearing
    for number in range(size):
        segment = SegmentFactory(hearing=hearing)
        ParticipationFactory(segment=segment)
        ParticipationFactory(segment=None, sub_discussion=SubDiscussionFactory(segment=segment))
        registrant(hearing, f"Registrant {number}")
        registrant(hearing, f"Organization-less {number}", organization=None)
    url = reverse("consultations:participants", args=[hearing.slug])
    # 1 the hearing with its process, outcome and supporting organization, 2 its translation
    # into the interface language, 3 the programme roles with people and organizations, 4 the
    # listed registrations with their organizations
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count('class="participant-name"') == 4 * size
    with django_assert_num_queries(4):
        assert client.get(reverse("consultations:participants_pdf", args=[hearing.slug]))


def test_the_seed_hearing_lists_its_speakers_and_links_the_list(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    text = page_text(client.get(f"{SEED}participants/"))
    assert "Mr. Ilias Chatzis, Chief of Human Trafficking and Migrant Smuggling Section" in text
    assert text.count("Miroslav Lajčák") == 1  # opens and closes, listed once
    assert "No registered participant is on the list." in text
    link = f'href="{SEED}participants/"'
    assert link in client.get(SEED).content.decode()
    assert link in client.get(f"{SEED}outcomes/").content.decode()
    sitemap = sitemap_text(client)
    assert f"<loc>http://testserver{SEED}participants/</loc>" in sitemap


def test_a_draft_outcome_keeps_the_list_out_of_links_and_the_sitemap(client, viewer, hearing):
    hearing.outcome.status = OutcomeStatus.DRAFT
    hearing.outcome.save()
    link = f"/hearings/{hearing.slug}/participants/"
    assert link not in client.get(hearing.get_absolute_url()).content.decode()
    assert link not in sitemap_text(client)
    client.force_login(viewer)
    assert link not in client.get(hearing.get_absolute_url()).content.decode()
    assert link not in client.get(f"/hearings/{hearing.slug}/outcomes/").content.decode()


def test_the_registration_form_promises_exactly_this_list(client):
    hearing = open_hearing()
    text = page_text(client.get(reverse("consultations:register", args=[hearing.slug])))
    assert (
        "What is published: nothing, unless you agree below to appear on the public list of "
        "participants and the secretariat approves your registration. The list then shows your "
        "name (with your honorific), your position and your organization, under your "
        "stakeholder category. It is published on this site, as a page and a PDF, with the "
        "outcome of the hearing, and you stay on it until your registration is deleted. Your "
        "email, country, accessibility needs and nomination letter are never published."
    ) in text
    assert (
        "List me on the public list of participants: my name, position and organization"
    ) in text
    assert (
        "Optional. You may register without appearing on the list. It names only approved "
        "registrations, grouped by category and organization, and is published with the "
        "outcome of the hearing."
    ) in text
