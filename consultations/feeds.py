"""Hearings as iCalendar (RFC 5545), made with the `icalendar` package, so that people can add
one hearing, or subscribe to all, in their calendar. Times are the venue's, with its time zone;
a hearing without times is an all-day event on its date."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from consultations.identity import SITE_NAME
from consultations.models import Hearing
from consultations.notifications import site_url

FEED_FIELDS = [
    "slug",
    "title",
    "date",
    "start_time",
    "end_time",
    "time_zone",
    "venue",
    "city",
    "country",
    "organizer",
    "description",
]


def hearing_event(hearing, stamp):
    event = Event()
    event.add("uid", f"hearing-{hearing.slug}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", stamp)
    event.add("summary", hearing.title)
    if hearing.start_time:
        zone = hearing.zone
        start = datetime.datetime.combine(hearing.date, hearing.start_time, tzinfo=zone)
        event.add("dtstart", start)
        if hearing.end_time:
            event.add(
                "dtend", datetime.datetime.combine(hearing.date, hearing.end_time, tzinfo=zone)
            )
    else:
        event.add("dtstart", hearing.date)
        event.add("dtend", hearing.date + datetime.timedelta(days=1))
    place = [hearing.venue, hearing.city, hearing.country.name if hearing.country else ""]
    location = ", ".join(part for part in place if part)
    if location:
        event.add("location", location)
    if hearing.description:
        event.add("description", hearing.description)
    event.add("url", site_url(hearing.get_absolute_url()))
    return event


def calendar_response(hearings, name, filename):
    calendar = Calendar()
    calendar.add("prodid", "-//UN multi-stakeholder hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().replace(microsecond=0)
    for hearing in hearings:
        calendar.add_component(hearing_event(hearing, stamp))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def hearings_calendar(request):
    """Every published hearing, for a calendar subscription."""
    hearings = Hearing.objects.published().only(*FEED_FIELDS).order_by("date", "title")
    return calendar_response(hearings, str(SITE_NAME), "hearings.ics")


@require_safe
def hearing_calendar(request, slug):
    hearing = get_object_or_404(Hearing.objects.published().only(*FEED_FIELDS), slug=slug)
    return calendar_response([hearing], hearing.title, f"{hearing.slug}.ics")
