"""What the public may not learn: contributions to hearings that are not published, and the
organization of an author who chose to publish anonymously, on every page and API list."""

import pytest
from django.utils import timezone

from consultations.enums import ContributionStatus, PublicationConsent
from consultations.tests.factories import ContributionFactory, HearingFactory
from consultations.tests.sitemap_support import sitemap_text
from stakeholders.tests.api_support import fresh_throttle  # noqa: F401
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def published(**kwargs):
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


def test_contributions_to_a_draft_hearing_stay_private(client):
    draft = published(hearing=HearingFactory(published=False), title="Draft-hearing text")
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert "Draft-hearing text" not in client.get("/contributions/").content.decode()
    assert url not in sitemap_text(client)
    assert client.get("/api/v1/contributions/").json()["count"] == 0
    assert (
        "Draft-hearing text"
        not in client.get(f"/stakeholders/{draft.organization.slug}/").content.decode()
    )


def test_an_anonymous_authors_organization_cannot_be_found_through_it(client):
    secret = OrganizationFactory(slug="secret-org", name="Secret network")
    published(organization=secret, consent=PublicationConsent.ANONYMOUS, title="Anonymous text")
    published(organization=secret, consent=PublicationConsent.NAMED, title="Named text")
    listed = client.get("/contributions/?organization=secret-org").content.decode()
    assert ("Anonymous text" in listed, "Named text" in listed) == (False, True)
    api = client.get("/api/v1/contributions/?organization=secret-org").json()
    assert [c["title"] for c in api["results"]] == ["Named text"]
    page = client.get("/stakeholders/secret-org/").content.decode()
    assert ("Anonymous text" in page, "Named text" in page) == (False, True)
    # The contribution itself is public, without the organization.
    assert client.get("/contributions/").content.decode().count("Anonymous text") == 1
