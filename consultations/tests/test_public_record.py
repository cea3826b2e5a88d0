"""What the public may see, proved from outside: the three leaks the review found, the author's
credit read the same everywhere, and a crawl of every anonymous surface (pages reached from `/`
and the sitemap, every API list and detail, the feeds and the open-data zip) that must never
show a draft."""

import io
import re
import zipfile
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from consultations.enums import (
    ContributionStatus,
    OutcomeStatus,
    PublicationConsent,
    RegistrationStatus,
)
from consultations.models import Hearing, Intervention
from consultations.tests.documents_support import docx_document, docx_text, pdftotext
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    OutcomeFactory,
    ParticipationFactory,
    RegistrationFactory,
    SegmentFactory,
    SubDiscussionFactory,
    cite_past_the_rule,
)
from consultations.word import DOCX
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEED_SLUG = "gcm-second-multi-stakeholder-hearing-2017"


def published_contribution(**kwargs):
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Where the open-data zip and any upload are written."""
    settings.MEDIA_ROOT = tmp_path / "media"


def open_data_text(client):
    """Every member of the open-data zip, built as cron would, as one text."""
    call_command("build_open_data", "--force", verbosity=0)
    response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


# The three leaks -------------------------------------------------------------------------------


def test_attachment_of_a_contribution_to_an_unpublished_hearing_is_not_served(
    client, admin_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    contribution = published_contribution(hearing=HearingFactory(published=False))
    contribution.attachment.save("annex.pdf", ContentFile(b"%PDF-1.4 hidden"), save=True)
    url = f"/contributions/{contribution.reference}/attachment/"

    assert client.get(f"/contributions/{contribution.reference}/").status_code == 404
    assert client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200


def test_organization_page_does_not_name_a_person_only_in_a_draft_programme(client):
    organization = OrganizationFactory(name="Migrant Voices")
    public_segment = SegmentFactory(hearing=HearingFactory(published=True))
    ParticipationFactory(segment=public_segment, organization=organization)
    hidden = PersonFactory(name="Drafted Only", organization=organization)
    ParticipationFactory(
        segment=SegmentFactory(hearing=HearingFactory(published=False)),
        person=hidden,
        organization=organization,
    )

    page = client.get(f"/stakeholders/{organization.slug}/")
    assert page.status_code == 200
    assert "Drafted Only" not in page.content.decode()
    assert client.get(f"/people/{hidden.slug}/").status_code == 404


def test_outcome_texts_wait_for_the_outcome_to_be_published(client):
    segment = SegmentFactory(summary="Draft summary of the panel.")
    hearing = segment.hearing
    outcome = OutcomeFactory(hearing=hearing, status=OutcomeStatus.DRAFT)
    KeyMessageFactory(segment=segment, text="Draft key message.")
    sub = SubDiscussionFactory(segment=segment, summary="Draft regional summary.")
    floor = Intervention.objects.create(
        sub_discussion=sub, order=1, organization=OrganizationFactory(), summary="Draft floor."
    )
    drafts = [
        "Draft summary of the panel.",
        "Draft key message.",
        "Draft regional summary.",
        floor.summary,
    ]
    surfaces = [
        f"/hearings/{hearing.slug}/",
        "/api/v1/hearings/",
        f"/api/v1/hearings/{hearing.slug}/",
        "/api/v1/segments/",
        f"/api/v1/segments/{segment.pk}/",
    ]

    for url in surfaces:
        body = client.get(url).content.decode()
        assert not [text for text in drafts if text in body], url
    assert not [text for text in drafts if text in open_data_text(client)]
    assert client.get(f"/hearings/{hearing.slug}/outcomes/").status_code == 404

    outcome.status = OutcomeStatus.PUBLISHED
    outcome.save()
    for url in surfaces:
        body = client.get(url).content.decode()
        assert [text for text in drafts if text in body] == drafts, url
    assert all(text in open_data_text(client) for text in drafts)


def test_staff_preview_the_draft_outcome_texts(admin_client):
    segment = SegmentFactory(summary="Draft summary of the panel.")
    OutcomeFactory(hearing=segment.hearing, status=OutcomeStatus.DRAFT)
    KeyMessageFactory(segment=segment, text="Draft key message.")
    page = admin_client.get(f"/hearings/{segment.hearing.slug}/").content.decode()
    assert "Draft summary of the panel." in page
    assert "Draft key message." in page
    api = admin_client.get(f"/api/v1/segments/{segment.pk}/").json()
    assert api["summary"] == "Draft summary of the panel."
    assert [message["text"] for message in api["key_messages"]] == ["Draft key message."]


# One credit everywhere -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent", "shown", "hidden"),
    [
        (PublicationConsent.NAMED, ["Amina Diallo", "Réseau Migrants"], []),
        (PublicationConsent.ORGANIZATION, ["Réseau Migrants"], ["Amina Diallo"]),
        (PublicationConsent.ANONYMOUS, [], ["Amina Diallo", "Réseau Migrants"]),
    ],
)
def test_an_unmatched_organization_is_credited_alike_on_the_page_api_and_open_data(
    client, consent, shown, hidden
):
    contribution = published_contribution(
        organization=None,
        organization_name="Réseau Migrants",
        author_name="Amina Diallo",
        consent=consent,
    )
    page = client.get(f"/contributions/{contribution.reference}/").content.decode()
    api = client.get(f"/api/v1/contributions/{contribution.reference}/").json()
    api_text = f"{api['author_name']} {api['organization_name']}"
    data = open_data_text(client)
    for surface in (page, api_text, data):
        assert [text for text in shown if text in surface] == shown
        assert [text for text in hidden if text in surface] == []
    assert ("Anonymous" in page) == (consent == PublicationConsent.ANONYMOUS)


# The crawl ---------------------------------------------------------------------------------------

MARKERS = {
    "draft hearing": "Marker draft hearing",
    "draft-only person": "Marker Drafted Person",
    "draft outcome summary": "Marker draft outcome summary",
    "draft key message": "Marker draft key message",
    "draft sub-discussion summary": "Marker draft sub-discussion summary",
    "draft floor intervention summary": "Marker draft floor summary",
    "contribution to a draft hearing": "Marker contribution to a draft hearing",
    "pending contribution a published key message cites": "Marker pending cited contribution",
    "its attachment": "Marker attachment bytes",
    "anonymous author": "Marker Anonymous Author",
    "anonymous author's typed organization": "Marker Typed Organization",
    "registrant who did not consent to be listed": "Marker Unlisted Registrant",
    "listed registrant not approved": "Marker Pending Registrant",
    "listed registrant of a hearing whose outcome is a draft": "Marker Early Registrant",
    "a listed registrant's email": "marker-listed@example.org",
}
SKIPPED_PREFIXES = ("/admin/", "/language/", "/static/", "/media/", "/api/v1/docs/")
LINK = re.compile(r"""(?:href|src)="([^"#]+)""")
MOST_PAGES = 600


@pytest.fixture
def markers(settings, tmp_path):
    """The seed hearing, plus one record of each kind the public must not see."""
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    public_organization = OrganizationFactory(name="Public Network", slug="public-network")
    public_hearing = HearingFactory(title="Public hearing with a draft outcome")
    ParticipationFactory(
        segment=SegmentFactory(hearing=public_hearing), organization=public_organization
    )

    # In the public hearing's process, so that the process's trail must leave it out.
    draft_hearing = HearingFactory(
        title=MARKERS["draft hearing"],
        slug="marker-draft-hearing",
        published=False,
        process=public_hearing.process,
    )
    hidden_person = PersonFactory(
        name=MARKERS["draft-only person"],
        slug="marker-drafted-person",
        organization=public_organization,
    )
    ParticipationFactory(
        segment=SegmentFactory(hearing=draft_hearing),
        person=hidden_person,
        organization=public_organization,
    )

    OutcomeFactory(hearing=public_hearing, status=OutcomeStatus.DRAFT)
    segment = SegmentFactory(hearing=public_hearing, summary=MARKERS["draft outcome summary"])
    KeyMessageFactory(segment=segment, text=MARKERS["draft key message"])
    sub = SubDiscussionFactory(segment=segment, summary=MARKERS["draft sub-discussion summary"])
    for place in ({"segment": segment}, {"sub_discussion": sub}):
        Intervention.objects.create(
            **place,
            order=1,
            organization=public_organization,
            summary=MARKERS["draft floor intervention summary"],
        )

    hidden_contribution = published_contribution(
        hearing=draft_hearing, title=MARKERS["contribution to a draft hearing"]
    )
    hidden_contribution.attachment.save(
        "annex.pdf", ContentFile(f"%PDF-1.4 {MARKERS['its attachment']}".encode()), save=True
    )
    seed = Hearing.objects.get(slug=SEED_SLUG)
    # The seed's published outcome cites contributions the public may not read.
    seed_message = KeyMessageFactory(
        segment=seed.segments.first(), order=99, text="Public key message citing hidden work"
    )
    cite_past_the_rule(
        seed_message,
        hidden_contribution,
        ContributionFactory(
            hearing=seed, title=MARKERS["pending contribution a published key message cites"]
        ),
    )
    listed = {"status": RegistrationStatus.APPROVED, "decided_at": timezone.now()}
    RegistrationFactory(
        hearing=seed, name="Listed Registrant", email=MARKERS["a listed registrant's email"],
        listed_publicly=True, **listed,
    )  # fmt: skip
    RegistrationFactory(hearing=seed, name=MARKERS["registrant who did not consent to be listed"],
                        listed_publicly=False, **listed)  # fmt: skip
    RegistrationFactory(hearing=seed, name=MARKERS["listed registrant not approved"],
                        listed_publicly=True)  # fmt: skip
    RegistrationFactory(
        hearing=public_hearing,
        name=MARKERS["listed registrant of a hearing whose outcome is a draft"],
        listed_publicly=True,
        **listed,
    )
    anonymous = published_contribution(
        hearing=public_hearing,
        organization=public_organization,
        organization_name=MARKERS["anonymous author's typed organization"],
        author_name=MARKERS["anonymous author"],
        consent=PublicationConsent.ANONYMOUS,
        title="An anonymous contribution",
    )
    return {
        "draft_hearing": draft_hearing,
        "public_hearing": public_hearing,
        "person": hidden_person,
        "hidden_contribution": hidden_contribution,
        "anonymous": anonymous,
        "organization": public_organization,
    }


def local_path(base, link):
    """A link on the site as path and query, or None for another site or a skipped area."""
    url = urlsplit(urljoin(base, link.replace("&amp;", "&")))
    if url.netloc not in ("", "testserver", "hearings.example.org") or url.scheme == "mailto":
        return None
    if url.path.startswith(SKIPPED_PREFIXES):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def document_text(response, tmp_path):
    """A page's text; a PDF's as pdftotext reads it, a Word file's as python-docx does."""
    if response["Content-Type"] == "application/pdf":
        return "\n".join(pdftotext(response.content, tmp_path))
    if response["Content-Type"] == DOCX:
        return docx_text(docx_document(response.content))
    return response.content.decode()


def crawl_pages(client, start, tmp_path):
    """Every page reached by following links from `start`, as {address: text}."""
    seen, queue, pages = set(), list(start), {}
    while queue and len(pages) < MOST_PAGES:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        response = client.get(address)
        assert response.status_code in (200, 302, 404), (address, response.status_code)
        if response.status_code != 200 or response.streaming:
            continue
        text = document_text(response, tmp_path)
        pages[address] = text
        if response["Content-Type"].startswith(("text/html", "application/xml")):
            for link in LINK.findall(text) + re.findall(r"<loc>([^<]+)</loc>", text):
                found = local_path(address, link)
                if found and found not in seen:
                    queue.append(found)
    assert len(pages) < MOST_PAGES, "the crawl did not finish"
    return pages


def crawl_api(client):
    """Every anonymous API list (all pages) and every detail its rows link to."""
    lists = [path for path in client.get("/api/v1/").json().values() if isinstance(path, str)]
    texts, details = {}, set()
    for address in lists:
        page = f"{urlsplit(address).path}?page_size=100"
        while page:
            response = client.get(page)
            texts[page] = response.content.decode()
            if response.status_code != 200:
                assert response.status_code in (401, 403), (page, response.status_code)
                break
            body = response.json()
            details |= {urlsplit(row["url"]).path for row in body["results"] if "url" in row}
            page = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
    for address in sorted(details):
        response = client.get(address)
        assert response.status_code == 200, address
        texts[address] = response.content.decode()
    return texts


def test_no_draft_reaches_any_anonymous_surface(client, markers, tmp_path):
    pages = crawl_pages(client, ["/", "/sitemap.xml", "/robots.txt"], tmp_path)
    texts = {**pages, **crawl_api(client)}
    process_code = markers["public_hearing"].process.code
    for feed in (
        "/hearings.ics",
        f"/hearings/{markers['public_hearing'].slug}.ics",
        f"/processes/{process_code}.ics",
    ):
        texts[feed] = client.get(feed).content.decode()
    texts["open data"] = open_data_text(client)

    assert f"/hearings/{SEED_SLUG}/statistics/" in pages  # the crawl reached the record
    # … the processes' trails, their feeds and "You said"
    assert "Public key message citing hidden work" in pages["/processes/GCM/"]
    assert "/processes/GCM.ics" in pages
    assert f"/processes/{process_code}/" in pages
    assert f"/api/v1/processes/{process_code}/" in texts
    # … and the documents, the list of participants among them
    assert "Listed Registrant" in pages[f"/hearings/{SEED_SLUG}/participants/"]
    assert "Listed Registrant" in pages[f"/hearings/{SEED_SLUG}/participants.pdf"]
    assert f"/hearings/{SEED_SLUG}/outcomes.pdf?language=en" in pages
    assert f"/hearings/{SEED_SLUG}/outcomes.docx?language=en" in pages
    assert f"/people/{markers['anonymous'].organization.slug}/" not in pages
    leaks = [
        (marker, address)
        for address, text in texts.items()
        for marker in MARKERS.values()
        if marker in text
    ]
    assert leaks == []

    # The anonymous contribution is public, but nothing ties it to its organization.
    anonymous, organization = markers["anonymous"], markers["organization"]
    contribution_surfaces = [
        pages.get(f"/contributions/{anonymous.reference}/", ""),
        texts[f"/api/v1/contributions/{anonymous.reference}/"],
    ]
    assert all(organization.name not in text for text in contribution_surfaces)
    assert anonymous.reference not in pages[f"/stakeholders/{organization.slug}/"]
    by_organization = client.get(f"/api/v1/contributions/?organization={organization.slug}")
    assert by_organization.json()["count"] == 0


def test_each_marker_answers_404_at_its_own_address(client, markers):
    draft, public = markers["draft_hearing"].slug, markers["public_hearing"].slug
    hidden = markers["hidden_contribution"].reference
    addresses = [
        f"/hearings/{draft}/",
        f"/hearings/{draft}/outcomes/",
        f"/hearings/{draft}/statistics/",
        f"/hearings/{draft}/register/",
        f"/hearings/{draft}/contribute/",
        f"/hearings/{draft}.ics",
        f"/hearings/{public}/outcomes/",
        f"/hearings/{public}/outcomes.pdf",
        f"/hearings/{public}/outcomes.docx",
        f"/hearings/{public}/participants/",
        f"/hearings/{public}/participants.pdf",
        f"/hearings/{draft}/outcomes.pdf",
        f"/hearings/{draft}/participants/",
        f"/people/{markers['person'].slug}/",
        f"/contributions/{hidden}/",
        f"/contributions/{hidden}/attachment/",
        f"/api/v1/hearings/{draft}/",
        f"/api/v1/people/{markers['person'].slug}/",
        f"/api/v1/contributions/{hidden}/",
    ]
    answers = {address: client.get(address).status_code for address in addresses}
    assert answers == dict.fromkeys(addresses, 404)
