"""Full-text search of published contributions.

On PostgreSQL each contribution carries a stored `search_document` (migration 0007): its title
(weight A) and text (weight B) in its own language's text search configuration, under a GIN
index. A search is matched against that document in every configuration at once, so a word finds
its stem whatever the language it was written in, and ranked from the document alone: no match's
body is read or parsed again, and only the newest RESULT_CAP + 1 matches are ranked, in the same
pass that finds them. SQLite has no such index: every word must appear in the title or
the text (LIKE)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQueryField, SearchRank, SearchVectorField
from django.core.paginator import Paginator
from django.db import connection, connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.utils.functional import cached_property

from stakeholders.filters import search_words

# The configuration PostgreSQL ships for each UN language (migration 0007 freezes the same map);
# Chinese, which it cannot split into words, falls back to 'simple'.
CONFIGURATIONS = {"ar": "arabic", "en": "english", "es": "spanish", "fr": "french", "ru": "russian"}
QUERY_CONFIGURATIONS = [*sorted(set(CONFIGURATIONS.values())), "simple"]
CONFIGURATIONS_ARRAY = "{" + ",".join(QUERY_CONFIGURATIONS) + "}"

# A search counts its matches up to this many; past it, the page says "more than".
RESULT_CAP = 500


class StoredDocument(Expression):
    """The contribution's `search_document` column (migration 0007), which the model does not
    declare so that no other query reads it."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search_document')}", []


# The words (a parameter) read in each configuration (an array parameter), each distinct reading
# once, as the text of a tsquery; NULL when every reading is empty (punctuation alone). When the
# readings are one, repeated, it is kept as an OR of two: `ts_rank` ranks an OR and an AND by two
# different formulas, and the six readings OR-ed were an OR.
DISTINCT_READINGS_SQL = (
    "SELECT CASE WHEN count(DISTINCT reading::text) = 1 AND count(*) > 1"
    " THEN '(' || min(reading::text) || ') | (' || min(reading::text) || ')'"
    " ELSE string_agg(DISTINCT '(' || reading::text || ')', ' | ') END"
    " FROM (SELECT websearch_to_tsquery(configuration, %s) AS reading"
    " FROM unnest(%s::regconfig[]) AS configuration) AS readings"
    " WHERE reading::text <> ''"
)


def text_query(words, using):
    """The visitor's words read in each configuration, any of which may match (websearch
    syntax: quotes for a phrase, `or`, `-` to leave a word out), each distinct reading once
    (English words are read alike by several configurations: "recruitment fees" has three
    readings of six). PostgreSQL reads them in a query of its own, and the search's query
    carries them as a constant: it is planned and run with half the readings (about 2 ms of
    the search page's 24 in-process), and punctuation alone runs no search. `ts_rank` ranks on
    a query's distinct words, so the ranks are those of all six. None when every reading is
    empty."""
    with connections[using].cursor() as cursor:
        cursor.execute(DISTINCT_READINGS_SQL, [words, CONFIGURATIONS_ARRAY])
        (readings,) = cursor.fetchone()
    return Cast(Value(readings), SearchQueryField()) if readings else None


class Matches(Func):
    """`document @@ query`, as a condition."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def search_contributions(queryset, value):
    """The rows matching the search, best first (the API's `q`, unless it asks for an
    `ordering`): on PostgreSQL `ranked_ids`'s rows, else every row holding each word in its title
    or text (LIKE), newest first."""
    words = search_words(value)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return in_order(queryset, ranked_ids(queryset, words))
    return holding_words(queryset, words).order_by("-published_at", "-pk")


def search_page(queryset, value, number, per_page):
    """The list page's search: its page (counted up to the cap) and that page's rows. On
    PostgreSQL the ranked ids are the paginator's list, so counting and paging read no row and
    only the page's rows are fetched."""
    words = search_words(value)
    if connection.vendor == "postgresql":
        page = CappedPaginator(ranked_ids(queryset, words), per_page).get_page(number)
        return page, list(in_order(queryset, page.object_list))
    page = CappedPaginator(holding_words(queryset, words), per_page).get_page(number)
    return page, list(page.object_list)


def holding_words(queryset, words):
    for word in words.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return queryset


def ranked_ids(queryset, words):
    """PostgreSQL, in one pass over the list's index: the ids of the newest cap + 1 matches,
    each tested and ranked from its stored document (title words weigh more than text words),
    best first, ties newest first."""
    query = text_query(words, queryset.db)
    if query is None:
        return []
    newest = (
        queryset.filter(Matches(StoredDocument(), query))
        .annotate(search_rank=SearchRank(StoredDocument(), query))
        .order_by("-published_at", "-id")
        .values_list("pk", "search_rank")[: CappedPaginator.cap + 1]
    )
    ranked = sorted(enumerate(newest), key=lambda row: (-row[1][1], row[0]))
    return [pk for _position, (pk, _rank) in ranked]


def in_order(queryset, ids):
    """The rows of `ids`, in that order."""
    ids_array = Value(ids, output_field=ArrayField(BigIntegerField()))
    position = Func(ids_array, F("pk"), function="array_position", output_field=IntegerField())
    return queryset.filter(pk__in=ids).alias(search_position=position).order_by("search_position")


class CappedPaginator(Paginator):
    """Pages of search results, counted up to RESULT_CAP + 1 rows: enough to say "more than
    500" without counting (and matching) every row of a common phrase. Its list is a query,
    or the ids `ranked_ids` found (already capped)."""

    cap = RESULT_CAP

    @cached_property
    def count(self):
        if isinstance(self.object_list, list):
            return len(self.object_list)
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap
