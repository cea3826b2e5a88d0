"""The sitemap index stays as cheap as a list page however many contributions there are, and
says when its contributions section last changed."""

import pytest
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.sitemaps import SITEMAPS
from consultations.tests.factories import ContributionFactory, HearingFactory
from stakeholders.tests.api_support import data_queries

pytestmark = pytest.mark.django_db


def add_published(count):
    hearing = HearingFactory()
    for _number in range(count):
        ContributionFactory(
            hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=timezone.now()
        )


def index(client):
    # Per section (processes, hearings, outcomes, contributions, organizations, people), its
    # count for paging (the hearing pages' one list reads hearings twice), and for contributions
    # one MAX(updated_at) for lastmod: 8 whatever the number of rows.
    with data_queries(8):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return response.content.decode()


def test_index_queries_do_not_grow_with_contributions(client):
    add_published(2)
    index(client)
    add_published(40)
    text = index(client)
    latest = Contribution.objects.latest("updated_at").updated_at
    section = text.split("sitemap-contributions.xml</loc>")[1].split("</sitemap>")[0]
    assert section.strip() == f"<lastmod>{latest.isoformat()}</lastmod>"


def test_every_section_is_within_the_protocols_limit_and_contributions_carry_lastmod(client):
    add_published(3)
    assert all(section.limit <= 50_000 for section in SITEMAPS.values())
    text = client.get("/sitemap-contributions.xml").content.decode()
    assert text.count("<url>") == 3
    assert text.count("<lastmod>") == 3
