"""The public templates' `date` filter remembers what it formatted (`formatted_date`): the same
moment in two zones, or in two languages, still prints as each should."""

import datetime
import zoneinfo

from django.urls import set_script_prefix
from django.utils import translation

from config.jinja2 import date, url

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
