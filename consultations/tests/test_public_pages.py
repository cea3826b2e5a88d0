"""The public pages through Django's test client: what each shows, to whom, at what cost in
queries, and how each takes bad input."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consultations.enums import (
    ContributionStatus,
    OutcomeStatus,
    ParticipationRole,
    PublicationConsent,
    TranslationStatus,
    UNLanguage,
)
from consultations.models import Contribution, Outcome, SegmentTranslation
from consultations.sitemaps import SITEMAPS
from consultations.tests.factories import (
    ContributionFactory,
    HearingFactory,
    KeyMessageFactory,
    OutcomeFactory,
    ParticipationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from consultations.tests.sitemap_support import sitemap_text
from stakeholders.enums import StakeholderCategory
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/"
NOW = timezone.now()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def seed():
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)


def published(**kwargs):
    return ContributionFactory(
        status=ContributionStatus.PUBLISHED, published_at=kwargs.pop("published_at", NOW), **kwargs
    )


def text_of(response):
    """The page's visible words, tags removed and spaces folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# Home and hearing list ---------------------------------------------------------------------------


def test_home_offers_the_open_window_of_an_upcoming_hearing(client):
    HearingFactory(
        title="Open for registration",
        date=timezone.localdate() + 30 * DAY,
        registration_opens=NOW - DAY,
        registration_closes=NOW + 10 * DAY,
    )
    page = client.get("/").content.decode()
    assert 'href="/hearings/open-for-registration/register/"' in page
    assert "Register to attend" in page


def test_home_links_a_past_hearing_to_its_published_outcomes_only(client):
    done = HearingFactory(title="Done", date=datetime.date(2017, 10, 11))
    Outcome.objects.create(hearing=done, title="Summary", status=OutcomeStatus.PUBLISHED)
    draft = HearingFactory(title="Draft outcome", date=datetime.date(2018, 1, 1))
    Outcome.objects.create(hearing=draft, title="Summary", status=OutcomeStatus.DRAFT)
    page = client.get("/").content.decode()
    assert 'href="/hearings/done/outcomes/"' in page
    assert "/hearings/draft-outcome/outcomes/" not in page


def test_seed_hearing_is_one_click_from_home(client, seed):
    page = client.get("/").content.decode()
    assert f'<a href="{SEED}">Second informal interactive multi-stakeholder hearing</a>' in page


def test_hearing_list_filters_by_process_year_and_status(client):
    HearingFactory(title="Old one", date=datetime.date(2017, 10, 11))
    new = HearingFactory(title="New one", date=datetime.date(2030, 5, 14))
    assert "Old one" not in client.get("/hearings/?year=2030").content.decode()
    assert "New one" in client.get("/hearings/?year=2030").content.decode()
    by_process = client.get(f"/hearings/?process={new.process.slug}").content.decode()
    assert "New one" in by_process
    assert "Old one" not in by_process
    past = client.get("/hearings/?status=past").content.decode()
    assert "Old one" in past
    assert "New one" not in past


@pytest.mark.parametrize("query", ["year=abc", "status=someday", "process=nope"])
def test_hearing_list_unknown_filter_is_empty_and_still_shown(client, query):
    HearingFactory(title="Any hearing")
    response = client.get(f"/hearings/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No hearing matches these filters." in page
    _name, value = query.split("=")
    assert f'<option value="{value}" selected>{value}</option>' in page


@pytest.mark.parametrize("rows", [5, 200])
def test_home_and_hearing_list_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, rows
):
    HearingFactory.create_batch(rows, date=timezone.localdate() + 7 * DAY)
    HearingFactory.create_batch(rows, date=datetime.date(2017, 1, 1))
    # 1 upcoming or open hearings with process and outcome, 2 past ones likewise
    with django_assert_num_queries(2):
        home = client.get("/")
    # A bounded page: at most 20 upcoming and 10 past hearings, then links to all of them.
    assert home.content.decode().count('class="card"') == min(rows, 20) + min(rows, 10)
    assert ("All past hearings" in home.content.decode()) == (rows > 10)
    # 1 count, 2 the page of hearings, 3 processes for the filter, 4 years for the filter
    with django_assert_num_queries(4):
        response = client.get("/hearings/")
    assert response.content.decode().count('class="card"') == min(2 * rows, 25)


# Hearing page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes", "expected", "absent"),
    [
        (NOW - DAY, NOW + DAY, "Register to attend", "Registration opens on"),
        (NOW + 3 * DAY, NOW + 9 * DAY, "Registration opens on", "Register to attend"),
        (NOW - 9 * DAY, NOW - DAY, "Registration closed on", "Register to attend"),
    ],
)
def test_hearing_page_calls_to_register_only_while_the_window_is_open(
    client, opens, closes, expected, absent
):
    hearing = HearingFactory(registration_opens=opens, registration_closes=closes)
    page = text_of(client.get(hearing.get_absolute_url()))
    assert expected in page
    assert absent not in page


def test_hearing_page_says_when_the_window_opens_in_the_venue_time_zone(client):
    hearing = HearingFactory(
        time_zone="Europe/Zurich",
        contributions_open=datetime.datetime(2030, 3, 1, 8, 0, tzinfo=datetime.UTC),
        contributions_close=datetime.datetime(2030, 4, 1, 8, 0, tzinfo=datetime.UTC),
    )
    page = text_of(client.get(hearing.get_absolute_url()))
    # 08:00 UTC is 09:00 in Geneva in March.
    assert "Written contributions open on 1 March 2030, 09:00 (Europe/Zurich)." in page


def test_a_window_speaks_the_visitors_language_at_the_venues_time(client):
    hearing = HearingFactory(
        time_zone="America/New_York",
        registration_opens=NOW - DAY,
        registration_closes=datetime.datetime(2099, 1, 8, 9, 0, tzinfo=datetime.UTC),
    )
    for path in (hearing.get_absolute_url(), "/"):
        page = text_of(client.get(path, HTTP_ACCEPT_LANGUAGE="fr"))
        # French typography's apostrophe is U+2019.
        assert "S\u2019inscrire pour participer" in page
        # 09:00 UTC is 04:00 in New York in January.
        assert (
            "Les inscriptions sont ouvertes jusqu\u2019au 8 janvier 2099 04:00 (America/New_York)."
            in page
        )


def test_hearing_page_links_people_organizations_and_outcomes(client, seed):
    page = client.get(SEED).content.decode()
    assert '<a class="person" href="/people/ilias-chatzis/">Mr. Ilias Chatzis</a>' in page
    assert '<a class="organization" href="/stakeholders/unodc/">' in page
    assert f'href="{SEED}outcomes/"' in page
    assert f'href="{SEED}statistics/"' in page


def test_key_messages_link_to_the_published_contributions_they_cite(client):
    message = KeyMessageFactory(text="Regular pathways now.")
    hearing = message.segment.hearing
    OutcomeFactory(hearing=hearing)
    cited = published(hearing=hearing, title="Pathways paper")
    hidden = published(hearing=hearing, title="Withdrawn since")
    message.contributions.set([cited, hidden])
    Contribution.objects.filter(pk=hidden.pk).update(
        status=ContributionStatus.WITHDRAWN, public=False
    )
    page = client.get(hearing.get_absolute_url()).content.decode()
    assert f'<a href="{cited.get_absolute_url()}" dir="auto" lang="en">Pathways paper</a>' in page
    assert "Withdrawn since" not in page


def test_hearing_page_carries_open_graph_and_canonical(client, seed, settings):
    settings.SITE_URL = "https://hearings.example.org"
    page = client.get(SEED).content.decode()
    assert f'<link rel="canonical" href="https://hearings.example.org{SEED}">' in page
    assert f'<meta property="og:url" content="https://hearings.example.org{SEED}">' in page
    assert (
        '<meta property="og:title" content="Second informal interactive multi-stakeholder hearing">'
        in page
    )


def build_programme(hearing, segments):
    for order in range(1, segments + 1):
        segment = SegmentFactory(hearing=hearing, order=order)
        ParticipationFactory(segment=segment, role=ParticipationRole.MODERATOR, order=1)
        ParticipationFactory(segment=segment, order=2)
        message = KeyMessageFactory(segment=segment, order=1)
        message.contributions.add(published(hearing=hearing))
        sub = SubDiscussionFactory(segment=segment, order=1, title="Asia")
        ParticipationFactory(segment=None, sub_discussion=sub, order=1)
        SegmentTranslation.objects.create(segment=segment, language="fr", title=f"Panel {order}")


@pytest.mark.parametrize("segments", [5, 40])
def test_hearing_outcomes_and_statistics_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, segments
):
    hearing = HearingFactory()
    Outcome.objects.create(hearing=hearing, title="Summary", status=OutcomeStatus.PUBLISHED)
    build_programme(hearing, segments)
    # 1 hearing with process, supporting organization and outcome, 2 segments, 3 roles with
    # people and organizations, 4 floor interventions, 5 sub-discussions, 6 their roles, 7 their
    # interventions, 8 key messages, 9 the contributions they cite (texts in English, read in
    # English: no translation to fetch)
    with django_assert_num_queries(9):
        response = client.get(hearing.get_absolute_url())
    assert response.content.decode().count('class="segment ') == segments
    # the same 9, and 10 the languages the texts are stored in
    with django_assert_num_queries(10):
        response = client.get(reverse("consultations:outcomes", args=[hearing.slug]))
    assert response.content.decode().count('class="segment ') == segments
    # 1 hearing, 2 programme roles, 3 floor interventions, 4 registrations, 5 contributions
    # (consultations/tests/test_statistics.py measures it with every kind of row)
    with django_assert_num_queries(5):
        response = client.get(reverse("consultations:statistics", args=[hearing.slug]))
    assert response.status_code == 200


# Outcomes ----------------------------------------------------------------------------------------


def test_outcomes_page_shows_every_panel_with_its_people_and_summaries(client, seed):
    page = text_of(client.get(f"{SEED}outcomes/"))
    assert "Summary of the second informal interactive multi-stakeholder hearing" in page
    for text in [
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery",
        "Moderator Mr. Ilias Chatzis",
        "Asia and Middle East",
        "Private sector is getting more engaged in national policies",
    ]:
        assert text in page, text


def test_outcomes_of_an_unpublished_outcome_are_404_for_the_public(client, viewer):
    hearing = HearingFactory()
    Outcome.objects.create(hearing=hearing, title="Summary", status=OutcomeStatus.DRAFT)
    url = reverse("consultations:outcomes", args=[hearing.slug])
    assert client.get(url).status_code == 404
    assert client.get(reverse("consultations:outcomes", args=["no-such"])).status_code == 404
    client.force_login(viewer)
    assert "Draft: this outcome is not published yet." in client.get(url).content.decode()


def test_outcomes_offer_every_stored_language_and_mark_status(client):
    segment = SegmentFactory(title="Regional perspectives", summary="Original summary.")
    Outcome.objects.create(hearing=segment.hearing, title="Summary", status=OutcomeStatus.PUBLISHED)
    SegmentTranslation.objects.create(
        segment=segment,
        language=UNLanguage.ARABIC,
        title="وجهات نظر إقليمية",
        summary="ملخص",
        translation_status=TranslationStatus.VERIFIED,
    )
    url = reverse("consultations:outcomes", args=[segment.hearing.slug])
    page = client.get(url).content.decode()
    assert '<a href="?language=ar" hreflang="ar">Arabic</a>' in page
    assert '<a href="?language=en" hreflang="en" aria-current="true">English</a>' in page
    # The language is said once, above the texts, rather than "Original" above each of them.
    assert page.count('<p class="text-language">Texts in English</p>') == 1
    assert "translation-note" not in page
    arabic = client.get(url + "?language=ar").content.decode()
    assert '<h3 lang="ar" dir="rtl">وجهات نظر إقليمية</h3>' in arabic
    assert arabic.count('<p class="text-language">Texts in Arabic</p>') == 1
    assert '<p class="translation-note" lang="en">Verified translation</p>' in arabic
    # An unknown language falls back to the interface language.
    assert client.get(url + "?language=xx").status_code == 200


def test_outcomes_in_one_language_do_not_name_it(client):
    segment = SegmentFactory(title="Regional perspectives", summary="Original summary.")
    Outcome.objects.create(hearing=segment.hearing, title="Summary", status=OutcomeStatus.PUBLISHED)
    page = client.get(reverse("consultations:outcomes", args=[segment.hearing.slug]))
    assert "Original summary." in page.content.decode()
    assert "text-language" not in page.content.decode()
    assert "translation-note" not in page.content.decode()


# Contributions -----------------------------------------------------------------------------------


def test_contribution_list_filters_by_category_and_search(client):
    hearing = HearingFactory()
    published(
        hearing=hearing, title="Decent work for all", category=StakeholderCategory.TRADE_UNION
    )
    published(hearing=hearing, title="Children on the move", body="Protect children.")
    ContributionFactory(hearing=hearing, title="Not yet published")
    page = text_of(client.get("/contributions/?category=trade_union"))
    assert "Decent work for all" in page
    assert "Children on the move" not in page
    assert "1 contribution" in page
    searched = text_of(client.get("/contributions/?q=children"))
    assert "Children on the move" in searched
    assert "Decent work for all" not in searched
    assert "Not yet published" not in text_of(client.get("/contributions/"))


def test_contribution_list_pages_by_25_in_a_stable_order(client):
    hearing = HearingFactory()
    for n in range(30):
        published(hearing=hearing, title=f"Paper {n:02d}", published_at=NOW)  # same moment
    first = re.findall(r"Paper \d\d", client.get("/contributions/").content.decode())
    second = re.findall(r"Paper \d\d", client.get("/contributions/?page=2").content.decode())
    assert len(first) == 25
    assert len(second) == 5
    assert sorted(first + second) == [f"Paper {n:02d}" for n in range(30)]
    assert first == [f"Paper {n:02d}" for n in range(29, 4, -1)]


@pytest.mark.parametrize("page_number", ["999999", "-1", "abc", "0", "1.5", "9" * 400])
def test_contribution_list_odd_page_numbers_never_fail(client, page_number):
    for n in range(30):
        published(title=f"Paper {n:02d}")
    response = client.get("/contributions/", {"page": page_number})
    assert response.status_code == 200
    assert 'class="card contribution-card"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "category=astronaut",
        "region=atlantis",
        "language=xx",
        "hearing=no-such-hearing",
        "segment=abc",
        "segment=99999",
    ],
)
def test_contribution_list_unknown_filter_values_give_an_empty_list_still_shown(client, query):
    published(title="Visible otherwise")
    response = client.get(f"/contributions/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No published contribution matches these filters." in page
    name, value = query.split("=")
    if name != "segment":
        assert f'<option value="{value}" selected>{value}</option>' in page


@pytest.mark.parametrize(
    "search",
    [
        "'; DROP TABLE consultations_contribution; --",
        ".*(a+)+$ [[:alpha:]] \\d{3}",
        '<script>alert("x")</script>',
        "% _ \\ & | ! : * ( )",
        "x" * 10_000,
    ],
)
def test_search_with_metacharacters_is_handled_and_escaped(client, search):
    published(title="Pathways")
    response = client.get("/contributions/", {"q": search})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert Contribution.objects.count() == 1


def test_search_text_is_shown_back_escaped(client):
    response = client.get("/contributions/", {"q": '"><script>alert(1)</script>'})
    page = response.content.decode()
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


@pytest.mark.parametrize("rows", [5, 200])
def test_contribution_list_and_detail_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, rows
):
    hearing = HearingFactory()
    organization = OrganizationFactory()
    for _n in range(rows):
        published(hearing=hearing, organization=organization)
    # 1 count, 2 the page with hearings and organizations, 3 the campaign groups' other
    # members (none here), 4 hearings for the filter
    with django_assert_num_queries(4):
        response = client.get("/contributions/")
    assert response.content.decode().count('class="card contribution-card"') == min(rows, 25)
    # a hearing's list: the same and 5 the hearing's segments for the filter
    with django_assert_num_queries(5):
        client.get(f"/contributions/?hearing={hearing.slug}")
    # a search lists every match (no groups): 1 count, 2 the page, 3 hearings and 4 the
    # segments of the chosen hearing for the filters; on PostgreSQL, first, the words'
    # distinct readings (consultations.search.text_query)
    readings = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(4 + readings):
        client.get(f"/contributions/?hearing={hearing.slug}&q=pathways&category=civil_society")
    contribution = Contribution.objects.first()
    # 1 the contribution with its hearing, segment and organization
    with django_assert_num_queries(1):
        assert client.get(contribution.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("consent", "shown", "hidden"),
    [
        (PublicationConsent.NAMED, ["Ana Gómez", "Red Cross Geneva"], []),
        (PublicationConsent.ORGANIZATION, ["Red Cross Geneva"], ["Ana Gómez"]),
        (PublicationConsent.ANONYMOUS, ["Anonymous"], ["Ana Gómez", "Red Cross Geneva"]),
    ],
)
def test_contribution_shows_the_author_as_consented(client, consent, shown, hidden):
    organization = OrganizationFactory(name="Red Cross Geneva")
    contribution = published(consent=consent, organization=organization)
    page = text_of(client.get(contribution.get_absolute_url()))
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page
    assert "ana@example.org" not in page


def test_contribution_body_is_rendered_safely(client):
    contribution = published(
        body="**Bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    page = client.get(contribution.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page
    assert "<img" not in page
    assert "onerror=alert(1)>" not in page


def test_unpublished_or_unknown_contribution_is_404_in_the_site_look(client):
    draft = ContributionFactory()
    for url in [draft.get_absolute_url(), "/contributions/GCM-1999-9999/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert '<a class="skip-link" href="#content">' in response.content.decode()


def test_contribution_page_offers_the_attachment_and_open_graph(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://hearings.example.org"
    contribution = published(title="With annex")
    contribution.attachment.save("annex.pdf", ContentFile(b"%PDF-1.4"), save=True)
    page = client.get(contribution.get_absolute_url()).content.decode()
    attachment = reverse("consultations:attachment", args=[contribution.reference])
    assert f'<a href="{attachment}" download>Download the attachment</a>' in page
    assert '<meta property="og:title" content="With annex">' in page
    assert '<meta property="og:type" content="article">' in page


# Caching, cookies, languages ---------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/hearings/",
    SEED,
    f"{SEED}outcomes/",
    f"{SEED}statistics/",
    f"{SEED}participants/",
    "/contributions/",
    "/stakeholders/",
    "/stakeholders/fragomen/",
    "/people/colin-rajah/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_pages_set_no_cookie_vary_not_on_cookie_and_carry_an_etag(client, seed, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    etag = response["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_one_h1_a_title_a_description_and_a_canonical_link(client, seed, url):
    page = client.get(url).content.decode()
    assert page.count("<h1") == 1
    assert re.search(r"<title>[^<]+</title>", page)
    assert re.search(r'<meta name="description" content="[^"]+">', page)
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{url}">' in page
    assert '<main id="content"' in page


def test_a_staff_edit_shows_at_once(client, seed):
    first = client.get(SEED)
    from consultations.models import Hearing

    Hearing.objects.filter(slug=SEED.split("/")[2]).update(venue="Room XX")
    second = client.get(SEED, headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert "Room XX" in second.content.decode()


def test_language_switcher_is_plain_links_that_set_the_cookie_and_come_back(client):
    page = client.get("/hearings/").content.decode()
    assert '<a href="/language/fr/?next=/hearings/" lang="fr" hreflang="fr">Français</a>' in page
    assert '<a href="/language/es/?next=/hearings/" lang="es" hreflang="es">Español</a>' in page
    response = client.get("/language/fr/", {"next": "/hearings/?year=2017"})
    assert response.status_code == 302
    assert response["Location"] == "/hearings/?year=2017"
    assert response.cookies["django_language"].value == "fr"
    assert '<html lang="fr"' in client.get("/hearings/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_language_switcher_never_sends_visitors_elsewhere(client, target):
    response = client.get("/language/es/", {"next": target})
    assert response["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/language/de/").status_code == 404


def test_accept_language_is_honoured_with_dates_in_that_locale(client, seed):
    french = client.get(SEED, headers={"accept-language": "fr"}).content.decode()
    assert '<html lang="fr"' in french
    assert "11 octobre 2017" in french
    spanish = client.get(SEED, headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es"' in spanish
    assert "11 de octubre de 2017" in spanish


# Search engines ----------------------------------------------------------------------------------


def test_sitemap_lists_public_pages_only(client, seed):
    shown = published(title="Shown")
    hidden = ContributionFactory(title="Hidden")
    page = sitemap_text(client)
    assert f"<loc>http://testserver{SEED}</loc>" in page
    assert f"<loc>http://testserver{SEED}outcomes/</loc>" in page
    assert f"<loc>http://testserver{shown.get_absolute_url()}</loc>" in page
    assert hidden.get_absolute_url() not in page
    assert "<loc>http://testserver/people/colin-rajah/</loc>" in page


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://hearings.example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /admin/\nDisallow: /language/\n"
        "Sitemap: https://hearings.example.org/sitemap.xml\n"
    )


@pytest.mark.parametrize(
    "url", ["/hearings/nope/", "/hearings/nope/outcomes/", "/hearings/nope/statistics/", "/x/"]
)
def test_unknown_slugs_get_the_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "There is no page at this address, or it is not published." in response.content.decode()


def test_unpublished_hearing_pages_are_hidden_from_the_public(client, stakeholder, viewer):
    hearing = HearingFactory(published=False)
    urls = [
        hearing.get_absolute_url(),
        reverse("consultations:statistics", args=[hearing.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(stakeholder)
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(viewer)
    for url in urls:
        assert client.get(url).status_code == 200


def test_home_keeps_a_hearing_whose_window_is_still_open_among_the_current_ones(client):
    HearingFactory(
        title="Held, still taking contributions",
        date=datetime.date(2017, 1, 1),
        contributions_open=NOW - 9 * DAY,
        contributions_close=NOW + DAY,
    )
    HearingFactory(title="Held and closed", date=datetime.date(2016, 1, 1))
    page = client.get("/").content.decode()
    current, past = page.split('id="past-heading"')
    assert "Held, still taking contributions" in current
    assert "Held and closed" in past
    assert "Held, still taking contributions" not in past


def test_sitemap_is_an_index_of_sections_paged_at_the_protocols_limit(client, seed):
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert "http://testserver/sitemap-contributions.xml" in index
    assert "http://testserver/sitemap-hearings.xml" in index
    assert all(section.limit <= 50_000 for section in SITEMAPS.values())


def test_a_section_longer_than_its_limit_is_paged_in_the_index(client, monkeypatch):
    monkeypatch.setattr(SITEMAPS["contributions"], "limit", 2)
    contributions = [published(title=f"Paper {number}") for number in range(3)]
    index = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/sitemap-contributions.xml?p=2" in index
    text = sitemap_text(client)
    assert all(c.get_absolute_url() in text for c in contributions)


def test_the_process_filter_names_only_processes_with_a_published_hearing(client):
    HearingFactory(process__title="Announced process")
    HearingFactory(process__title="Unannounced process", published=False)
    page = client.get("/hearings/").content.decode()
    assert "Announced process" in page
    assert "Unannounced process" not in page


def test_the_language_cookie_is_same_site_and_as_secure_as_the_session(client, settings):
    response = client.get("/language/fr/?next=/")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE


def test_a_french_page_marks_the_english_record_as_english(client, seed):
    published(title="Pathways", hearing=HearingFactory(title="Hearing on pathways"))
    for address in ["/", "/hearings/", f"{SEED}statistics/", "/contributions/"]:
        page = client.get(address, headers={"accept-language": "fr"}).content.decode()
        assert '<html lang="fr"' in page
        assert 'lang="en"' in page, address
