import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations.enums import ParticipationRole, TranslationStatus, UNLanguage
from consultations.models import SegmentTranslation
from consultations.tests.factories import (
    HearingFactory,
    KeyMessageFactory,
    OutcomeFactory,
    ParticipationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_healthz_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_lists_upcoming_then_past_published_hearings(client):
    HearingFactory(title="Next week in New York", date=TODAY + 7 * DAY)
    HearingFactory(title="Last year in Geneva", date=TODAY - 365 * DAY)
    HearingFactory(title="Draft not yet announced", date=TODAY + DAY, published=False)
    page = client.get("/").content.decode()
    assert page.index("Upcoming hearings") < page.index("Next week in New York")
    assert page.index("Next week in New York") < page.index("Past hearings")
    assert page.index("Past hearings") < page.index("Last year in Geneva")
    assert "Draft not yet announced" not in page


def test_home_says_when_there_is_nothing_to_list(client):
    page = client.get("/").content.decode()
    assert "No hearing is scheduled at the moment." in page
    assert "No hearing has been held yet." in page


@pytest.mark.parametrize("rows", [1, 12])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    for n in range(rows):
        HearingFactory(date=TODAY + n * DAY)
        HearingFactory(date=TODAY - (n + 1) * DAY)
    # 1. upcoming hearings with their process, 2. past hearings with their process
    with django_assert_num_queries(2):
        response = client.get("/")
    # Every upcoming hearing (up to 20), and the ten latest past ones.
    assert response.content.decode().count('class="card"') == rows + min(rows, 10)


def test_seed_hearing_page_shows_every_panel_with_its_people(client):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    page = client.get("/hearings/gcm-second-multi-stakeholder-hearing-2017/").content.decode()
    for text in [
        "Second informal interactive multi-stakeholder hearing",
        "Room XIX, Palais des Nations, Geneva",
        "Smuggling of migrants, trafficking in persons and contemporary forms of slavery",
        "Irregular migration and regular pathways, including decent work, labour mobility and "
        "recognition of skills and qualifications",
        "Regional perspectives on migration",
        "Moderator",
        "Panellists",
        'Mr. Ilias Chatzis</a><span class="name-separator">, </span><span class="affiliation">Chief '
        "of Human Trafficking and "
        "Migrant Smuggling Section, ",
        "United Nations Office on Drugs &amp; Crime",
        "Ms. Milka Isinta",
        "H.E. Mr. Juan José Gómez Camacho",
        "Co-facilitators",
        "The Americas",
        "Africa and Europe",
        "Asia and Middle East",
        "Private sector is getting more engaged in national policies in many countries in the region.",
    ]:
        assert text in page, text


def test_unpublished_hearing_is_hidden_from_the_public(client, stakeholder, viewer):
    hearing = HearingFactory(published=False)
    url = reverse("consultations:hearing", args=[hearing.slug])
    assert client.get(url).status_code == 404
    client.force_login(stakeholder)
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    assert client.get(url).status_code == 200


def test_unknown_hearing_is_404(client):
    assert client.get("/hearings/no-such-hearing/").status_code == 404


def build_programme(hearing, segments):
    for order in range(1, segments + 1):
        segment = SegmentFactory(hearing=hearing, order=order)
        ParticipationFactory(segment=segment, role=ParticipationRole.MODERATOR, order=1)
        ParticipationFactory(segment=segment, order=2)
        KeyMessageFactory(segment=segment, order=1)
        sub = SubDiscussionFactory(segment=segment, order=1)
        ParticipationFactory(segment=None, sub_discussion=sub, order=1)
        SegmentTranslation.objects.create(segment=segment, language="fr", title=f"Panel {order}")


@pytest.mark.parametrize("segments", [1, 10])
def test_hearing_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, segments):
    hearing = HearingFactory()
    OutcomeFactory(hearing=hearing)
    build_programme(hearing, segments)
    # 1 hearing with process and supporting organization, 2 segments, 3 roles with people and
    # organizations, 4 floor interventions, 5 sub-discussions, 6 their roles, 7 their
    # interventions, 8 key messages, 9 the published contributions they cite. The texts are
    # written in English: an English visitor needs no translation.
    with django_assert_num_queries(9):
        response = client.get(hearing.get_absolute_url())
    assert response.content.decode().count('class="segment ') == segments
    # A French visitor: the same 9, and the translations of the hearing, its segments, their
    # sub-discussions and key messages, one query each.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with django_assert_num_queries(13):
        response = client.get(hearing.get_absolute_url())
    assert response.content.decode().count('class="segment ') == segments
    assert "Panel 1" in response.content.decode()


def test_hearing_page_shows_a_translation_in_the_interface_language_and_says_so(client):
    segment = SegmentFactory(title="Regional perspectives", summary="Original summary.")
    OutcomeFactory(hearing=segment.hearing)
    SegmentTranslation.objects.create(
        segment=segment,
        language=UNLanguage.FRENCH,
        title="Perspectives régionales",
        summary="Résumé traduit.",
        translation_status=TranslationStatus.MACHINE,
    )
    url = segment.hearing.get_absolute_url()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Regional perspectives" in english
    assert "Perspectives régionales" not in english
    french = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert '<h3 lang="fr">Perspectives régionales</h3>' in french
    assert "Résumé traduit." in french
    assert '<html lang="fr" dir="ltr">' in french


def test_text_shown_in_another_language_than_the_interface_is_marked(client):
    segment = SegmentFactory(title="Regional perspectives")
    page = client.get(segment.hearing.get_absolute_url(), headers={"accept-language": "fr"})
    assert '<h3 lang="en">Regional perspectives</h3>' in page.content.decode()


def test_user_text_is_escaped(client):
    segment = SegmentFactory(title="<script>alert(1)</script>", summary="<b>bold</b>")
    OutcomeFactory(hearing=segment.hearing)
    page = client.get(segment.hearing.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
