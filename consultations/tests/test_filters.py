"""The one search, `q`, and its bounds: the pages read the first 20 words and 200 characters of
it, the API refuses more with a 400 that names `q`. A thousand words once built an expression
SQLite refused (a 503) and an unbounded chain of ILIKE on PostgreSQL."""

import pytest
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.tests.factories import ContributionFactory, HearingFactory, ProcessFactory
from stakeholders.tests.api_support import fresh_throttle  # noqa: F401

pytestmark = pytest.mark.django_db

TOO_LONG = "A search may hold at most 20 words and 200 characters."
THOUSAND_WORDS = " ".join(f"w{number}" for number in range(1_000))
PUBLIC_LISTS = [
    "/api/v1/processes/",
    "/api/v1/hearings/",
    "/api/v1/segments/",
    "/api/v1/organizations/",
    "/api/v1/contributions/",
]


@pytest.fixture
def pathways():
    hearing = HearingFactory(published=True, title="Pathways hearing", venue="Pathways hall")
    return ContributionFactory(
        hearing=hearing,
        title="Pathways",
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.mark.parametrize(
    "search",
    [THOUSAND_WORDS, " ".join(["pathways"] * 21), "p" * 201],
    ids=["1000-words", "21-words", "201-characters"],
)
@pytest.mark.parametrize("path", PUBLIC_LISTS)
def test_api_refuses_a_search_beyond_the_bounds_naming_q(client, pathways, path, search):
    response = client.get(path, {"q": search})
    assert response.status_code == 400
    assert response.json() == {"q": [TOO_LONG]}


def test_staff_registration_search_is_bounded_too(client, editor):
    client.force_login(editor)
    response = client.get("/api/v1/registrations/", {"q": THOUSAND_WORDS})
    assert response.status_code == 400
    assert response.json() == {"q": [TOO_LONG]}


@pytest.mark.parametrize(
    "search",
    [" ".join(["pathways"] * 20), "pathways" + " " * 500, "pathways" + "s" * 192],
    ids=["20-words", "spaces-do-not-count", "200-characters"],
)
def test_api_answers_a_search_within_the_bounds(client, pathways, search):
    ProcessFactory()
    for path in PUBLIC_LISTS:
        response = client.get(path, {"q": search})
        assert response.status_code == 200, path
    found = client.get("/api/v1/contributions/", {"q": search}).json()["count"]
    assert found == (0 if search.endswith("s" * 192) else 1)


@pytest.mark.parametrize("path", ["/contributions/", "/hearings/", "/stakeholders/"])
def test_pages_cut_a_long_search_short_and_answer(client, pathways, path):
    response = client.get(path, {"q": THOUSAND_WORDS})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/contributions/", "/hearings/"])
def test_pages_read_the_first_20_words_of_a_search(client, pathways, path):
    """Twenty words that match and a twenty-first that would not: the page finds the record."""
    link = {
        "/contributions/": f'href="/contributions/{pathways.reference}/"',
        "/hearings/": f'href="/hearings/{pathways.hearing.slug}/"',
    }[path]
    assert link in client.get(path, {"q": "pathways"}).content.decode()
    assert link not in client.get(path, {"q": "pathways nowhere"}).content.decode()
    search = " ".join(["pathways"] * 20 + ["nowhere"])
    assert link in client.get(path, {"q": search}).content.decode()
