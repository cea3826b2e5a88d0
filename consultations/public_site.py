"""Small helpers of the public pages (globals of config/jinja2.py): absolute links built from SITE_URL (never from the
request's Host header), a contribution's author as markup, a text's direction and a hearing's
numbered programme."""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.urls import reverse
from django.utils.autoreload import file_changed
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as django_gettext

from consultations.enums import SegmentKind, UNLanguage
from consultations.rules import credit_of

RIGHT_TO_LEFT = {UNLanguage.ARABIC}


def formatted_date(value, format_name="DATE_FORMAT"):
    """Django's `date` filter for a date or a moment already in the zone it is shown in,
    remembered per language: a list's hearing days and window deadlines repeat from one request
    to the next, and Django parses the format anew for each (about 20 µs each)."""
    return remembered_date(value, getattr(value, "tzinfo", None), format_name, get_language())


@functools.lru_cache(maxsize=4096)
def remembered_date(value, zone, format_name, language):
    # The zone is part of the key: two moments equal in UTC print differently in two zones.
    return defaultfilters.date(value, format_name)


def gettext(message):
    """Django's `gettext`, remembered per language: the public templates translate dozens of
    messages a page, and Django finds each through the request's language and the project's
    catalogs one after another (3 µs in English; 0.1 remembered, the page's language looked up
    once by `config.jinja2.Template.render`)."""
    return remembered_translation(get_language(), message)


@functools.lru_cache(maxsize=4096)
def remembered_translation(language, message):
    # The caller passes the active language: the message is translated into it.
    return django_gettext(message)


@receiver(setting_changed)
def forget_dates_and_translations(**kwargs):
    """A test changing the formats, languages or catalogs gets them formatted and translated
    anew."""
    remembered_date.cache_clear()
    remembered_translation.cache_clear()


@receiver(file_changed)
def forget_translations(sender, file_path, **kwargs):
    """The development server reloads an edited catalog without restarting (Django's
    `translation_file_changed`): its messages are looked up anew."""
    if file_path.suffix == ".mo":
        remembered_translation.cache_clear()


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


def author_markup(credit, anonymous_label, link=False):
    """A contribution's author as they consented to be shown (`rules.credit_of`), as markup: a
    list formats its rows with it, `anonymous_label` translated once per page. With `link`, the
    organization links to its page."""
    if credit.anonymous:
        inner = anonymous_label
    elif link and credit.organization_slug and credit.organization_name:
        organization = format_html(
            '<a href="{}" dir="auto">{}</a>',
            reverse("consultations:organization", args=[credit.organization_slug]),
            credit.organization_name,
        )
        inner = (
            format_html('<span dir="auto">{}</span>, {}', credit.name, organization)
            if credit.name
            else organization
        )
    else:
        shown = [(text,) for text in (credit.name, credit.organization_name) if text]
        inner = format_html_join(", ", '<span dir="auto">{}</span>', shown)
    return format_html('<span class="author">{}</span>', inner)


def author(contribution, link=False):
    """The author of a contribution as they consented to be shown, for a template."""
    return author_markup(credit_of(contribution), gettext("Anonymous"), link)


def text_direction(language, fallback="auto"):
    """`rtl` for a text in a right-to-left language (Arabic), else `fallback`."""
    return "rtl" if language in RIGHT_TO_LEFT else fallback


def numbered_programme(hearing):
    """The hearing's segments in programme order, each panel carrying its number among the
    panels (`panel_number`, "Panel 2"), as the secretariat's programmes name them."""
    segments = list(hearing.segments.all())
    panels = [segment for segment in segments if segment.kind == SegmentKind.PANEL]
    for number, panel in enumerate(panels, start=1):
        panel.panel_number = number
    return segments
