"""The public templates remember what they formatted, reversed and translated (`formatted_date`,
`remembered_reverse`, `remembered_translation`): the same moment in two zones, a link under two
script prefixes, a message in three languages, each still prints as it should."""

import datetime
import zoneinfo

from django.template import engines
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.autoreload import file_changed

from config.jinja2 import date, url
from consultations import public_site

ZURICH, NEW_YORK = zoneinfo.ZoneInfo("Europe/Zurich"), zoneinfo.ZoneInfo("America/New_York")
MOMENT = datetime.datetime(2017, 10, 11, 8, 30, tzinfo=datetime.UTC)


def test_one_moment_prints_in_the_zone_and_language_asked_each_time():
    for _twice in range(2):
        with translation.override("en"):
            assert date(MOMENT, "DATETIME_FORMAT", ZURICH) == "11 October 2017, 10:30"
            assert date(MOMENT, "DATETIME_FORMAT", NEW_YORK) == "11 October 2017, 04:30"
            assert date(MOMENT.date(), "DATE_FORMAT") == "11 October 2017"
        with translation.override("fr"):
            assert date(MOMENT, "DATETIME_FORMAT", ZURICH) == "11 octobre 2017 10:30"
            assert date(MOMENT.date(), "DATE_FORMAT") == "11 octobre 2017"
        with translation.override("es"):
            assert date(MOMENT, "DATETIME_FORMAT", NEW_YORK) == "11 de octubre de 2017 a las 04:30"


def test_nothing_prints_nothing():
    assert date(None) == date("") == ""


def test_a_remembered_link_follows_the_script_prefix():
    """`url()` remembers what it reversed, per script prefix: a site served under a path links
    under it, and the same name at the root links at the root."""
    assert url("consultations:hearings") == "/hearings/"
    set_script_prefix("/consultations/")
    try:
        assert url("consultations:hearings") == "/consultations/hearings/"
        assert url("consultations:hearing", "a-b") == "/consultations/hearings/a-b/"
    finally:
        set_script_prefix("/")
    assert url("consultations:hearing", "a-b") == "/hearings/a-b/"


def test_a_remembered_message_is_translated_into_the_language_of_each_page():
    template = engines["jinja2"].get_template("consultations/home.html")
    context = {"upcoming": [], "past": []}
    for _twice in range(2):
        for language, words in [
            ("en", ">Upcoming hearings<"),
            ("fr", ">Auditions à venir<"),
            ("es", ">Próximas audiencias<"),
        ]:
            with translation.override(language):
                assert words in template.render(context)
    assert context == {"upcoming": [], "past": []}


def test_a_setting_change_forgets_the_remembered_messages():
    with translation.override("fr"):
        assert public_site.gettext("Anonymous") == "Anonyme"
    with override_settings(LOCALE_PATHS=[]), translation.override("fr"):
        # Without the project's catalogs the message stays as written.
        assert public_site.gettext("Anonymous") == "Anonymous"
    with translation.override("fr"):
        assert public_site.gettext("Anonymous") == "Anonyme"


def test_an_edited_catalog_is_read_anew(tmp_path):
    """The development server reloads an edited `.mo` without restarting: the remembered
    messages go with it; another file changing keeps them."""
    with translation.override("fr"):
        public_site.gettext("Anonymous")
    assert public_site.remembered_translation.cache_info().currsize > 0
    file_changed.send(sender=None, file_path=tmp_path / "views.py")
    assert public_site.remembered_translation.cache_info().currsize > 0
    file_changed.send(sender=None, file_path=tmp_path / "django.mo")
    assert public_site.remembered_translation.cache_info().currsize == 0
