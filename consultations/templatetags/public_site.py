"""Small helpers of the public templates: absolute links built from SITE_URL (never from the
request's Host header) and the query string of a list page with one parameter changed."""

from django import template
from django.conf import settings

from consultations.enums import SegmentKind, UNLanguage
from consultations.identity import SITE_NAME
from consultations.rules import credit_of

RIGHT_TO_LEFT = {UNLanguage.ARABIC}

register = template.Library()


@register.simple_tag
def site_name():
    return SITE_NAME


@register.simple_tag
def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


@register.simple_tag(takes_context=True)
def canonical_url(context):
    request = context.get("request")
    return absolute_url(request.path if request else "/")


@register.inclusion_tag("consultations/author.html")
def author(contribution, link=False):
    """The author of a contribution as they consented to be shown (`rules.credit_of`)."""
    return {"credit": credit_of(contribution), "link": link}


@register.filter
def text_direction(language, fallback="auto"):
    """`rtl` for a text in a right-to-left language (Arabic), else `fallback`."""
    return "rtl" if language in RIGHT_TO_LEFT else fallback


@register.simple_tag
def numbered_programme(hearing):
    """The hearing's segments in programme order, each panel carrying its number among the
    panels (`panel_number`, "Panel 2"), as the secretariat's programmes name them."""
    segments = list(hearing.segments.all())
    panels = [segment for segment in segments if segment.kind == SegmentKind.PANEL]
    for number, panel in enumerate(panels, start=1):
        panel.panel_number = number
    return segments
