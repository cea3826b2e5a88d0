"""The default configuration, without REDIS_URL: one gunicorn with three workers, as `make serve`
starts it, whose page cache, forms' rate limits and API throttle live in a table of the shared
database. Nothing another worker must see stays in one worker's memory: the sixth submission of
one person is refused whichever worker takes it, and a contribution taken down is gone from the
very next request.

PostgreSQL only (the servers share the test database). About 10 s. Excluded with
`-m "not servers"`."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from django.utils import timezone

from config.tests.servers_support import free_port, start_gunicorn, stop, wait_until_up
from config.tests.test_two_servers import PUBLIC_HOST, post_contribution, server_environment
from consultations.enums import ContributionStatus
from consultations.services import moderate_contribution
from consultations.tests.factories import ContributionFactory
from consultations.tests.forms_support import open_hearing

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

WORKERS = 3
REQUESTS = 12


def default_environment(port):
    environment = server_environment(port)
    environment.pop("REDIS_URL")
    environment.pop("CACHE_URL", None)
    return {**environment, "GUNICORN_WORKERS": str(WORKERS)}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("the workers share a PostgreSQL database")
    port = free_port()
    process = start_gunicorn(default_environment(port))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        stop([process])


def statuses(url, count=REQUESTS):
    """`count` GETs at once, each on its own connection, so that every worker takes some."""

    def get(_number):
        return requests.get(url, headers=PUBLIC_HOST, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        return list(pool.map(get, range(count)))


def test_the_sixth_submission_of_one_person_is_refused_by_any_worker(server):
    open_hearing(slug="limits")
    form = f"{server}/hearings/limits/contribute/"
    answers = []
    for number in range(6):
        browser = requests.Session()  # a new connection each time: any worker may take it
        browser.headers.update(PUBLIC_HOST)
        answers.append(post_contribution(browser, form, number).status_code)
    assert answers == [302, 302, 302, 302, 302, 429]


def test_a_contribution_taken_down_is_gone_from_the_next_request(server):
    contribution = ContributionFactory(
        hearing=open_hearing(slug="takedown"),
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    page = f"{server}/contributions/{contribution.reference}/"
    assert statuses(page) == [200] * REQUESTS  # cached, by whichever workers served it
    moderate_contribution(contribution, ContributionStatus.UNDER_REVIEW, reason="Takedown")
    assert statuses(page) == [404] * REQUESTS
