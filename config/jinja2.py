"""The public pages' template engine: Jinja2, Django's second backend, several times faster than
Django's own templates for pages of many rows (README, "Benchmark"). The admin and the emails
stay on Django templates.

What the public templates (`<app>/jinja2/` and `jinja2/`) may use besides Jinja's built-ins:
- `_("text")` and `_("text %(name)s")|format(name=value)` for translations, written so that
  `makemessages` finds them: the message id is the first argument, alone in its parentheses.
  A `_()` inside another call is not found: `{% set label = _("text") %}` first. A plural
  label is made in the view with `ngettext`, where `makemessages` finds it.
- `url(name, *args)`, `static(path)`, `absolute_url(path)`, `site_name`, `language_code()`,
  `language_bidi()`, `interface_languages()`, and the functions of `consultations.public_site`
  listed in `environment`.
- the filters `date` and `time` (Django's formats, in the active time zone or the `zone` given),
  `capfirst`, `linebreaks`, `floatformat` and `text_direction`.

A template's `request`, `csrf_input` and `csrf_token` come from Django's backend."""

import datetime
import functools
import sys

from django.conf import settings
from django.template import defaultfilters
from django.template.backends.jinja2 import Jinja2 as DjangoJinja2
from django.template.backends.jinja2 import Template as DjangoJinjaTemplate
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from jinja2 import ChainableUndefined, Environment

from consultations import public_site
from consultations.identity import SITE_NAME
from consultations.views_support import remembered_reverse


class Template(DjangoJinjaTemplate):
    """Tells the test client what it renders, as Django's own templates do under test, so a test
    can read `response.context`. Nothing listens outside tests, where a send costs a check;
    where `django.test` is not loaded at all, nothing is sent."""

    @property
    def name(self):
        return self.template.name

    def render(self, context=None, request=None):
        # The page's `_()` translates into the language active now, looked up once per page (a
        # copy: the caller's context may be rendered again in another language).
        language = translation.get_language()
        context = {
            "gettext": functools.partial(public_site.remembered_translation, language),
            **(context or {}),
        }
        signals = sys.modules.get("django.test.signals")
        if signals is not None:
            signals.template_rendered.send(sender=self, template=self, context=context)
        return super().render(context, request)


class Jinja2(DjangoJinja2):
    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


def url(name, *args, **kwargs):
    if kwargs:
        return reverse(name, kwargs=kwargs)
    return remembered_reverse(name, args)


def local(value, zone=None):
    """An aware moment in `zone`, or in the active time zone as Django's templates show it."""
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_aware(value):
        return timezone.localtime(value, zone)
    return value


def date(value, format_name=None, zone=None):
    """Django's `date` filter: "DATE_FORMAT", "DATETIME_FORMAT", or a format string."""
    if isinstance(value, datetime.date):
        return public_site.formatted_date(local(value, zone), format_name)
    if value in (None, ""):
        return ""
    return defaultfilters.date(value, format_name)


def time(value, format_name=None, zone=None):
    if value in (None, ""):
        return ""
    return defaultfilters.time(local(value, zone), format_name)


@functools.cache
def interface_languages():
    """The site's languages as the switcher lists them: code and name in the language itself."""
    return [translation.get_language_info(code) for code, _name in settings.LANGUAGES]


def environment(**options):
    # As in Django's templates, a missing attribute prints nothing rather than failing the page.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)  # Django's backend turns it on; so does this, explicitly.
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(public_site.gettext, translation.ngettext, newstyle=False)
    env.globals.update(
        url=url,
        static=static,
        site_name=SITE_NAME,
        absolute_url=public_site.absolute_url,
        language_code=translation.get_language,
        language_bidi=translation.get_language_bidi,
        interface_languages=interface_languages,
        numbered_programme=public_site.numbered_programme,
        author=public_site.author,
    )
    env.filters.update(
        date=date,
        time=time,
        capfirst=defaultfilters.capfirst,
        linebreaks=defaultfilters.linebreaks_filter,
        floatformat=defaultfilters.floatformat,
        text_direction=public_site.text_direction,
    )
    return env
