"""The anonymous page cache (consultations.cache): served without a query, keyed by path, query
and language, never for staff, forms or cookies, and cleared at once by a staff edit."""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.cache import ANY, EVERYTHING, invalidate_pages, response_is_cacheable, tag_key
from consultations.enums import ContributionStatus, SegmentKind
from consultations.models import Contribution
from consultations.services import (
    check_in,
    give_floor,
    moderate_contribution,
    request_floor,
    withdraw_hearing,
)
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    ParticipationFactory,
    SegmentFactory,
)
from consultations.tests.floor_support import approved
from stakeholders.tests.api_support import data_queries
from stakeholders.tests.factories import OrganizationFactory

PUBLISHED_AT = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def hearing():
    return HearingFactory(title="Hearing on decent work", slug="decent-work")


def test_cached_page_served_without_queries(client, hearing):
    first = client.get(hearing.get_absolute_url())
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with data_queries(0):
        second = client.get(hearing.get_absolute_url())
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_head_request_served_from_the_same_entry(client, hearing):
    client.get(hearing.get_absolute_url())
    with data_queries(0):
        response = client.head(hearing.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"


def test_staff_edit_shows_at_once(client, hearing):
    client.get(hearing.get_absolute_url())
    hearing.title = "Hearing on decent work for domestic workers"
    hearing.save()
    response = client.get(hearing.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Hearing on decent work for domestic workers" in response.content.decode()


def test_deleting_a_record_clears_the_cache(client):
    contribution = ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at="2030-01-01T10:00Z"
    )
    url = contribution.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"
    Contribution.objects.filter(pk=contribution.pk).delete()
    assert client.get(url).status_code == 404


def test_many_to_many_change_clears_the_cache(client, hearing):
    key_message = KeyMessageFactory(segment__hearing=hearing)
    contribution = ContributionFactory(
        hearing=hearing, status=ContributionStatus.PUBLISHED, published_at=PUBLISHED_AT
    )
    client.get(hearing.get_absolute_url())
    before = cache.get(tag_key(ANY))
    key_message.contributions.add(contribution)
    assert cache.get(tag_key(ANY)) != before
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"


def test_new_submission_keeps_the_cache_but_publication_clears_it(client, hearing, editor):
    organization = OrganizationFactory()
    client.get(hearing.get_absolute_url())
    before = cache.get(tag_key(ANY))
    contribution = ContributionFactory(
        hearing=hearing, organization=organization, title="On recruitment fees"
    )
    assert cache.get(tag_key(ANY)) == before
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "hit"
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    assert cache.get(tag_key(ANY)) != before
    assert client.get(contribution.get_absolute_url()).status_code == 200


def test_language_is_part_of_the_key(client, hearing):
    english = client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    french = client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert english["X-Page-Cache"] == "miss"
    assert french["X-Page-Cache"] == "miss"
    assert french["Content-Language"] == "fr"
    assert client.get(hearing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content == (
        french.content
    )
    assert english.content != french.content


def test_query_string_is_part_of_the_key(client):
    url = reverse("consultations:contributions")
    assert client.get(url + "?category=academia")["X-Page-Cache"] == "miss"
    assert client.get(url + "?category=trade_union")["X-Page-Cache"] == "miss"
    assert client.get(url + "?category=academia")["X-Page-Cache"] == "hit"


def test_accept_header_is_part_of_the_key(client):
    url = reverse("api:contribution-list")
    as_json = client.get(url, HTTP_ACCEPT="application/json")
    as_csv = client.get(url, HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"] == "application/json"
    assert as_csv["Content-Type"].startswith("text/csv")
    again = client.get(url, HTTP_ACCEPT="application/json")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Type"] == "application/json"


def test_response_varying_on_another_header_is_not_stored():
    request = RequestFactory().get("/")
    assert response_is_cacheable(request, HttpResponse("ok", headers={"Vary": "Accept"}))
    assert not response_is_cacheable(request, HttpResponse("ok", headers={"Vary": "User-Agent"}))


def test_staff_never_get_or_fill_cached_pages(client, editor, django_assert_max_num_queries):
    draft = HearingFactory(title="Draft hearing", slug="draft-hearing", published=False)
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_do_not_see_the_anonymous_copy(client, editor, hearing):
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"
    client.force_login(editor)
    response = client.get(hearing.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_api_token_requests_bypass_the_cache(client):
    url = reverse("api:contribution-list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    response = client.get(url, HTTP_AUTHORIZATION="Token nope")
    assert "X-Page-Cache" not in response


def test_zero_seconds_turns_the_cache_off(client, hearing, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(hearing.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(hearing.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert len(queries) > 0


def test_forms_and_admin_are_never_cached(client):
    hearing = HearingFactory(
        contributions_open="2000-01-01T00:00Z", contributions_close="2099-01-01T00:00Z"
    )
    form = client.get(reverse("consultations:contribute", args=[hearing.slug]))
    assert form.status_code == 200
    assert "X-Page-Cache" not in form
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_response_that_sets_a_cookie_is_not_stored():
    request = RequestFactory().get("/")
    response = HttpResponse("ok")
    assert response_is_cacheable(request, response)
    response.set_cookie("django_language", "fr")
    assert not response_is_cacheable(request, response)
    private = HttpResponse("ok", headers={"Cache-Control": "private, max-age=0"})
    assert not response_is_cacheable(request, private)


def test_a_lost_tag_never_revives_stale_pages(client, hearing):
    client.get(hearing.get_absolute_url())
    cache.delete(tag_key(EVERYTHING))
    assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"


def test_invalidation_goes_through_a_shared_redis_cache(client, hearing, settings):
    """Two server processes share nothing but the cache: a generation written through one
    connection is what a fresh connection (another process) reads."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    try:
        assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "miss"
        assert client.get(hearing.get_absolute_url())["X-Page-Cache"] == "hit"
        other_process = caches.create_connection("default")
        before = other_process.get(tag_key(ANY))
        hearing.title = "Renamed hearing"
        hearing.save()
        assert other_process.get(tag_key(ANY)) != before
        response = client.get(hearing.get_absolute_url())
        assert response["X-Page-Cache"] == "miss"
        assert "Renamed hearing" in response.content.decode()
    finally:
        cache.clear()


def test_invalidate_pages_marks_everything_changed():
    invalidate_pages()
    first = cache.get(tag_key(EVERYTHING))
    invalidate_pages()
    assert cache.get(tag_key(EVERYTHING)) > first


class Site:
    """Two published hearings, each with a segment, a published contribution from its own
    organization and a panellist from another, so each change below has pages it must reach and
    pages it must leave warm."""

    def __init__(self):
        self.hearing = HearingFactory(title="Hearing on decent work", slug="decent-work")
        self.other = HearingFactory(title="Hearing on climate mobility", slug="climate")
        self.segment = SegmentFactory(hearing=self.hearing, title="Panel on recruitment")
        SegmentFactory(hearing=self.other, title="Panel on displacement")
        self.contribution = published(self.hearing, "On recruitment fees")
        self.other_contribution = published(self.other, "On planned relocation")
        self.panellist = ParticipationFactory(segment=self.segment)
        ParticipationFactory(segment=self.other.segments.get())
        self.pages = {
            "hearing": self.hearing.get_absolute_url(),
            "statistics": reverse("consultations:statistics", args=[self.hearing.slug]),
            "contribution": self.contribution.get_absolute_url(),
            "organization": organization_url(self.contribution.organization),
            "panellist": reverse("consultations:person", args=[self.panellist.person.slug]),
            "panellist organization": organization_url(self.panellist.organization),
            "list": reverse("consultations:contributions"),
            "home": reverse("consultations:home"),
            "other hearing": self.other.get_absolute_url(),
            "other contribution": self.other_contribution.get_absolute_url(),
            "other organization": organization_url(self.other_contribution.organization),
        }

    def warm(self, client):
        for name, url in self.pages.items():
            client.get(url)
            assert client.get(url)["X-Page-Cache"] == "hit", name

    def state(self, client):
        """Each page as the next visitor gets it: `hit`, `miss`, or its status when not 200."""
        found = {}
        for name, url in self.pages.items():
            response = client.get(url)
            found[name] = response.get("X-Page-Cache", response.status_code)
        return found


def organization_url(organization):
    return reverse("consultations:organization", args=[organization.slug])


def published(hearing, title):
    return ContributionFactory(
        hearing=hearing,
        title=title,
        status=ContributionStatus.PUBLISHED,
        published_at="2030-01-01T10:00Z",
    )


def reached(state):
    return {name for name, value in state.items() if value != "hit"}


HEARING_PAGES = {"hearing", "statistics", "contribution", "list", "home"}
# The organization and person pages that list the hearing through a role or a contribution.
RELATED_PAGES = {"organization", "panellist", "panellist organization"}


@pytest.fixture
def site():
    return Site()


def test_hearing_edit_reaches_its_pages_and_lists_only(client, site):
    site.warm(client)
    site.hearing.title = "Hearing on decent work for domestic workers"
    site.hearing.save()
    state = site.state(client)
    assert reached(state) == HEARING_PAGES | RELATED_PAGES
    assert "domestic workers" in client.get(site.pages["organization"]).content.decode()


def test_programme_edit_leaves_other_hearings_and_organizations_warm(client, site):
    site.warm(client)
    site.segment.title = "Panel on fair recruitment"
    site.segment.save()
    assert reached(site.state(client)) == HEARING_PAGES | RELATED_PAGES


def test_programme_role_added_reaches_the_person_and_both_organizations(client, site):
    site.warm(client)
    role = ParticipationFactory(segment=site.segment, person=site.panellist.person)
    assert role.organization_id == site.panellist.organization_id
    assert reached(site.state(client)) == HEARING_PAGES | RELATED_PAGES


def test_takedown_shows_on_the_next_request_and_stays_scoped(client, site, editor):
    site.warm(client)
    moderate_contribution(site.contribution, ContributionStatus.UNDER_REVIEW, by=editor)
    state = site.state(client)
    assert state["contribution"] == 404
    assert reached(state) == HEARING_PAGES | RELATED_PAGES
    assert site.contribution.title not in client.get(site.pages["organization"]).content.decode()


def test_contribution_moved_to_another_hearing_leaves_both(client, site):
    site.warm(client)
    site.contribution.hearing = site.other
    site.contribution.save()
    state = site.state(client)
    assert reached(state) == set(site.pages)
    assert "On recruitment fees" not in client.get(site.pages["hearing"]).content.decode()


def test_withdrawn_hearing_empties_every_page(client, site, editor):
    site.warm(client)
    withdraw_hearing(site.hearing, by=editor)
    state = site.state(client)
    assert state["hearing"] == 404
    assert state["contribution"] == 404
    assert reached(state) == set(site.pages)


def test_organization_edit_empties_every_page(client, site):
    """Organizations are named on hearing pages, lists and other organizations' pages alike:
    their reach is not tracked."""
    site.warm(client)
    organization = site.other_contribution.organization
    organization.name = "Renamed organization"
    organization.save()
    assert reached(site.state(client)) == set(site.pages)


def test_deleted_segment_reaches_its_hearing_only(client, site):
    site.warm(client)
    site.segment.delete()
    assert reached(site.state(client)) == HEARING_PAGES | RELATED_PAGES


def test_warm_api_list_is_served_before_drf_without_a_query(client):
    for n in range(3):
        published(HearingFactory(), f"Contribution {n}")
    url = reverse("api:contribution-list")
    first = client.get(url, HTTP_ACCEPT="application/json")
    assert first["X-Page-Cache"] == "miss"
    with data_queries(0):
        warm = client.get(url, HTTP_ACCEPT="application/json")
    assert warm["X-Page-Cache"] == "hit"
    assert warm.content == first.content
    assert warm["Content-Type"] == first["Content-Type"]
    assert warm.json()["count"] == 3


def test_staff_api_requests_are_never_served_from_the_anonymous_copy(client, editor):
    published(HearingFactory(), "On fees")
    url = reverse("api:contribution-list")
    anonymous = client.get(url, HTTP_ACCEPT="application/json")
    assert anonymous["X-Page-Cache"] == "miss"
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        staff = client.get(url, HTTP_ACCEPT="application/json")
    assert staff.status_code == 200
    assert "X-Page-Cache" not in staff
    assert any("contributions" in query["sql"] for query in queries.captured_queries)
    client.logout()
    assert client.get(url, HTTP_ACCEPT="application/json")["X-Page-Cache"] == "hit"


@pytest.fixture
def redis_cache(settings):
    """The shared cache in Redis (database 13), as production runs: a hit then reads no table."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/13").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield
    cache.clear()


def test_warm_pages_run_no_sql_at_all_with_redis(client, redis_cache):
    published(HearingFactory(slug="decent-work"), "On fees")
    urls = [
        reverse("api:contribution-list"),
        reverse("consultations:contributions"),
        reverse("consultations:hearing", args=["decent-work"]),
    ]
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url)["X-Page-Cache"] == "hit"
    assert queries.captured_queries == []


HEARING_DAY_PAGES = {"hearing", "statistics", "contribution"}


def test_the_speakers_list_reaches_its_hearing_pages_and_leaves_the_lists_warm(client, site):
    """On a hearing day the chair moves the list every minute: the lists and the home page stay
    cached, the hearing's own pages and its speakers' API follow each move."""
    site.segment.kind = SegmentKind.INTERACTIVE
    site.segment.save()
    speakers = reverse("api:speakers", args=[site.hearing.slug])
    site.pages["speakers"] = speakers
    registration = approved(site.segment, "Amina Diallo")
    site.warm(client)
    request = request_floor(registration, site.segment, by=None)
    state = site.state(client)
    assert reached(state) - RELATED_PAGES == HEARING_DAY_PAGES | {"speakers"}
    give_floor(request.floor_list)
    assert client.get(speakers).json()["speaking"]["name"] == "Amina Diallo"


def test_a_check_in_reaches_its_hearing_pages_and_leaves_the_lists_warm(client, site, editor):
    registration = approved(site.segment, "Amina Diallo")
    site.warm(client)
    check_in(site.hearing, registration.reference, by=editor)
    assert reached(site.state(client)) - RELATED_PAGES == HEARING_DAY_PAGES
