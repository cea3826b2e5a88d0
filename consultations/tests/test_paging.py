"""Deep pages of the contribution list are found in two steps (`DeepPaginator`): the same rows,
in the same order, as one query would give, with one query more and never more."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.paging import DeepPaginator
from consultations.tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db


class SoonDeep(DeepPaginator):
    deep_offset = 4


@pytest.fixture
def listed():
    moment = timezone.now()
    for minutes in [5, 1, 3, 3, 9, 2, 7, 8, 3]:  # ties broken by the id, as the list orders
        ContributionFactory(
            status=ContributionStatus.PUBLISHED,
            published_at=moment - datetime.timedelta(minutes=minutes),
        )
    ContributionFactory()  # not public, never listed
    return Contribution.objects.for_list()


def test_every_page_holds_what_one_query_would_give(listed):
    straight = Paginator(listed, 2, orphans=1)
    deep = SoonDeep(listed, 2, orphans=1)
    assert deep.num_pages == straight.num_pages == 4
    for number in deep.page_range:
        assert list(deep.page(number)) == list(straight.page(number))
    assert [row.hearing.title for row in deep.page(4)] == [
        row.hearing.title for row in straight.page(4)
    ]


def test_a_deep_page_costs_one_query_more_whatever_its_depth(listed):
    deep = SoonDeep(listed, 2)
    deep.count  # noqa: B018 (counted once, before the pages)
    for number, queries in [(1, 1), (2, 1), (3, 2), (5, 2)]:
        with CaptureQueriesContext(connection) as captured:
            rows = list(deep.page(number))
        assert len(captured) == queries, number
        assert rows
