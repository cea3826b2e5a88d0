"""Searching the published contributions: each in its own language's words, best matches first,
counted only up to a cap, from the stored document (PostgreSQL) rather than from every match's
text."""

import functools
import operator
import re

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.enums import ContributionStatus, UNLanguage
from consultations.models import Contribution
from consultations.search import (
    QUERY_CONFIGURATIONS,
    CappedPaginator,
    StoredDocument,
    ranked_ids,
    text_query,
)
from consultations.tests.factories import ContributionFactory, HearingFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored document, its language configurations and ranking are PostgreSQL's",
)


def published(**kwargs):
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=timezone.now(), **kwargs
    )


def titles(response):
    return re.findall(r'<h3><a href="[^"]+" dir="auto" lang="\w+">([^<]+)</a></h3>', response)


def search(client, words, **params):
    return client.get("/contributions/", {"q": words, **params}).content.decode()


@postgresql_only
def test_search_finds_a_word_in_any_of_its_forms_in_the_text_language(client):
    published(title="Frais", body="Les frais de recrutement pèsent.", language=UNLanguage.FRENCH)
    published(title="Fees", body="Recruitment fees are charged.", language=UNLanguage.ENGLISH)
    published(title="Costs", body="Nothing about it.", language=UNLanguage.ENGLISH)
    # French stems "recrutements" as "recrutement"; English stems "fee" as "fees".
    assert titles(search(client, "recrutements")) == ["Frais"]
    assert titles(search(client, "fee")) == ["Fees"]


@postgresql_only
def test_distinct_readings_find_and_rank_what_all_six_readings_do(client):
    far_apart = (
        "Civil society asked for more. "
        + "Words of other kinds fill this text. " * 8
        + "The status of workers. "
        + "And more words here. " * 8
        + "Civil servants and their status."
    )
    texts = [
        ("Recruitment fees", "Recruitment fees are charged to workers.", UNLanguage.ENGLISH),
        ("Fees", "A fee for each recruitment.", UNLanguage.ENGLISH),
        ("Frais", "Les frais de recrutement (recruitment fees) pèsent.", UNLanguage.FRENCH),
        ("Tasas", "Las tasas de contratación, recruitment fees.", UNLanguage.SPANISH),
        ("Far apart", far_apart, UNLanguage.ENGLISH),
        ("Side by side", "Their civil status was recorded.", UNLanguage.ENGLISH),
        ("Unrelated", "Nothing about it.", UNLanguage.ENGLISH),
    ]
    for title, body, language in texts:
        published(title=title, body=body, language=language)
    # "recruitment fees" has three distinct readings of six ('recruit' & 'fee' in English and
    # Russian, 'recruitment' & 'fe' in French, the words as written in the others); "civil
    # status" has one, which ts_rank must still rank as an OR of readings: ranked as one
    # reading (an AND), the two civil texts would swap places.
    for words, distinct, matches in [("recruitment fees", 3, 4), ("civil status", 1, 2)]:
        six = functools.reduce(
            operator.or_,
            [
                SearchQuery(words, config=name, search_type="websearch")
                for name in QUERY_CONFIGURATIONS
            ],
        )
        expected = (
            Contribution.objects.published()
            .annotate(rank=SearchRank(StoredDocument(), six))
            .filter(rank__gt=0)
            .order_by("-rank", "-published_at", "-id")
            .values_list("pk", flat=True)
        )
        found = ranked_ids(Contribution.objects.published(), words)
        assert len(found) == matches
        assert found == list(expected)
        readings = str(text_query(words, "default").source_expressions[0].value)
        assert len(set(readings.split(" | "))) == distinct
    # Punctuation alone reads as nothing in every configuration: no search runs.
    with CaptureQueriesContext(connection) as queries:
        assert ranked_ids(Contribution.objects.published(), "--- @#%") == []
    assert len(queries) == 1
    assert search(client, "--- @#%").count('class="card contribution-card"') == 0


@postgresql_only
def test_search_ranks_a_match_in_the_title_before_one_in_the_text(client):
    published(title="Regular pathways", body="Nothing else.")
    published(title="In the text", body="Regular pathways for migrants.")
    published(title="Unrelated", body="Nothing about it.")
    # The title match is the older one: its rank, not its date, puts it first.
    assert titles(search(client, "pathways")) == ["Regular pathways", "In the text"]
    # The API too, unless it is asked for another order.
    api = "/api/v1/contributions/"
    found = client.get(api, {"q": "pathways"}).json()["results"]
    assert [row["title"] for row in found] == ["Regular pathways", "In the text"]
    newest = client.get(api, {"q": "pathways", "ordering": "-published_at"}).json()["results"]
    assert [row["title"] for row in newest] == ["In the text", "Regular pathways"]


@postgresql_only
def test_search_reads_the_stored_document_not_the_texts(client):
    published(title="Pathways", body="Regular pathways.")
    with CaptureQueriesContext(connection) as queries:
        page = search(client, "pathways")
    assert titles(page) == ["Pathways"]
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    # One pass matches, ranks and caps: the count and the page reuse its ids.
    assert sql.count('"search_document" @@') == 1
    assert "to_tsvector" not in sql


@postgresql_only
def test_stored_document_follows_an_edit_of_the_text(client):
    contribution = published(title="First title", body="About pathways.")
    contribution.title, contribution.body = "Second title", "About remittances."
    contribution.save(update_fields=["title", "body"])
    assert titles(search(client, "remittances")) == ["Second title"]
    assert titles(search(client, "pathways")) == []


def test_search_skips_unpublished_contributions(client):
    hearing = HearingFactory()
    published(hearing=hearing, title="Out", body="Pathways now.")
    ContributionFactory(hearing=hearing, title="Waiting", body="Pathways now.")
    assert titles(search(client, "pathways")) == ["Out"]


@pytest.mark.parametrize("rows", [3, 6])
def test_search_count_stops_at_the_cap(client, monkeypatch, rows):
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    hearing = HearingFactory()
    for n in range(rows):
        published(hearing=hearing, title=f"Pathways {n}", body="Regular pathways.")
    page = search(client, "pathways")
    heading = re.search(r'<h2 class="result-count">([^<]+)</h2>', page).group(1)
    assert heading == ("3 contributions" if rows == 3 else "More than 4 contributions")
    # The pages hold the rows counted: up to the cap and one more.
    assert len(titles(page)) == min(rows, 5)


@pytest.mark.parametrize("rows", [5, 60])
def test_search_runs_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    hearing = HearingFactory()
    for n in range(rows):
        published(hearing=hearing, title=f"Pathways {n}", body="Regular pathways.")
    # 1 the capped count, 2 the page of matches with hearings and organizations, 3 hearings
    # for the filter; on PostgreSQL, first, the words' distinct readings
    readings = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(3 + readings):
        page = search(client, "pathways")
    assert len(titles(page)) == min(rows, 25)
