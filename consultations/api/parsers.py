"""The API's JSON parser. JSON may escape half of a surrogate pair on its own (`"\\ud800"`): that
is no character, no database column can hold it and no response can echo it back in UTF-8 (a
choice field's error quotes the input), so such a body is refused as malformed, with a 400."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

UNACCEPTABLE = re.compile("[\x00\ud800-\udfff]")


def holds_unacceptable(data):
    if isinstance(data, str):
        return UNACCEPTABLE.search(data) is not None
    if isinstance(data, dict):
        return any(
            holds_unacceptable(key) or holds_unacceptable(value) for key, value in data.items()
        )
    if isinstance(data, list):
        return any(holds_unacceptable(item) for item in data)
    return False


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if holds_unacceptable(data):
            raise ParseError(
                _(
                    "The JSON holds a NUL character or an unpaired surrogate escape, which no field accepts."
                )
            )
        return data
