"""The public pages' Jinja2 templates (config/jinja2.py): every message they hold is one that
`makemessages` finds, so none is silently left out of the French and Spanish catalogues."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

# `_("…")`: the only way a Jinja template names a message Django's `makemessages` can read.
MESSAGE = re.compile(r"""(?<![\w.])_\((?:"[^"]*"|'[^']*')""")
TEMPLATES = sorted(
    [
        *(settings.BASE_DIR / "jinja2").rglob("*.html"),
        *settings.BASE_DIR.glob("*/jinja2/**/*.html"),
    ]
)


def test_the_public_templates_are_found():
    names = {path.name for path in TEMPLATES}
    assert {"base.html", "home.html", "hearing_detail.html", "contribution_list.html"} <= names


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=[str(path.relative_to(settings.BASE_DIR)) for path in TEMPLATES]
)
def test_makemessages_finds_every_message_of_a_public_template(path: Path):
    source = path.read_text(encoding="utf-8")
    # Django's template reader takes `_("…")` only at the start of a `{{ }}` or anywhere in a
    # `{% %}`; one passed inside another call (`{{ f(_("…")) }}`) would be lost.
    assert len(MESSAGE.findall(templatize(source))) == len(MESSAGE.findall(source))
    # A plural is made in Python (`ngettext` in the view), where makemessages reads it.
    assert "ngettext(" not in source
