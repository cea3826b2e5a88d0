"""Full-text search of published contributions.

On PostgreSQL each contribution carries a stored `search_document` (migration 0007): its title
(weight A) and text (weight B) in its own language's text search configuration, under a GIN
index. A search is matched against that document in every configuration at once, so a word finds
its stem whatever the language it was written in, and ranked from the document alone: no match's
body is read or parsed again, and only the newest RESULT_CAP + 1 matches are ranked. SQLite has no such index: every word must appear in the title or
the text (LIKE)."""

import functools
import operator

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Expression, Q
from django.utils.functional import cached_property

from stakeholders.filters import search_words

# The configuration PostgreSQL ships for each UN language (migration 0007 freezes the same map);
# Chinese, which it cannot split into words, falls back to 'simple'.
CONFIGURATIONS = {"ar": "arabic", "en": "english", "es": "spanish", "fr": "french", "ru": "russian"}
QUERY_CONFIGURATIONS = [*sorted(set(CONFIGURATIONS.values())), "simple"]

# A search counts its matches up to this many; past it, the page says "more than".
RESULT_CAP = 1000


class StoredDocument(Expression):
    """The contribution's `search_document` column (migration 0007), which the model does not
    declare so that no other query reads it."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name('search_document')}", []


def text_query(words):
    """The visitor's words read in each configuration, any of which may match (websearch
    syntax: quotes for a phrase, `or`, `-` to leave a word out)."""
    readings = [
        SearchQuery(words, config=name, search_type="websearch") for name in QUERY_CONFIGURATIONS
    ]
    return functools.reduce(operator.or_, readings)


def search_contributions(queryset, value):
    """The rows matching the search. On PostgreSQL: the newest RESULT_CAP + 1 matches (walking
    the list's index, each row tested against its stored document), best first among them
    (title words weigh more than text words; ties newest first), so a common phrase ranks a
    thousand documents rather than every match."""
    words = search_words(value)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = text_query(words)
        newest = (
            queryset.alias(search_document=StoredDocument())
            .filter(search_document=query)
            .order_by("-published_at", "-id")
            .values("pk")[: RESULT_CAP + 1]
        )
        return (
            queryset.filter(pk__in=newest)
            .annotate(search_rank=SearchRank(StoredDocument(), query))
            .order_by("-search_rank", "-published_at", "-id")
        )
    for word in words.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return queryset


class CappedPaginator(Paginator):
    """Pages of search results, counted up to RESULT_CAP + 1 rows: enough to say "more than
    1,000" without counting (and matching) every row of a common phrase."""

    cap = RESULT_CAP

    @cached_property
    def count(self):
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap
