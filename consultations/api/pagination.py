from rest_framework.pagination import PageNumberPagination

from consultations.paging import DeepPaginator


class CappedPageNumberPagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; a client picks up to 100 rows a page, and a larger
    `page_size` is capped rather than refused."""

    django_paginator_class = DeepPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
