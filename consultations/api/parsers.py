"""The API's JSON parser. It refuses, with a 400, what no field could take:

- half of a surrogate pair escaped on its own (`"\\ud800"`) or a NUL: that is no character, no
  database column can hold it and no response can echo it back in UTF-8 (a choice field's error
  quotes the input);
- JSON nested more than `MAX_DEPTH` levels deep: a couple of kilobytes of brackets would exhaust
  Python's stack in the parser or in any code that walks the data, and no request here nests more
  than a few levels. The data is walked without recursion, so the check cannot fail the same way."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

UNACCEPTABLE = re.compile("[\x00\ud800-\udfff]")
MAX_DEPTH = 32


def walk(data):
    """Every key and value in `data`, each with its depth: how many lists and objects hold it,
    itself included."""
    stack = [(data, 0)]
    while stack:
        value, outer = stack.pop()
        depth = outer + isinstance(value, (dict, list))
        yield value, depth
        if isinstance(value, dict):
            stack.extend((item, depth) for item in [*value, *value.values()])
        elif isinstance(value, list):
            stack.extend((item, depth) for item in value)


def too_deep():
    return ParseError(
        _("The JSON is nested more than %(depth)d levels deep, which no request to this API needs.")
        % {"depth": MAX_DEPTH}
    )


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep() from None
        for value, depth in walk(data):
            if depth > MAX_DEPTH:
                raise too_deep()
            if isinstance(value, str) and UNACCEPTABLE.search(value):
                raise ParseError(
                    _(
                        "The JSON holds a NUL character or an unpaired surrogate escape, which no "
                        "field accepts."
                    )
                )
        return data
