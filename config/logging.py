"""Log lines that text from outside cannot forge: a path, a header or a form value that holds a
line break is written with the break escaped, so every record stays on one line."""

import logging

ESCAPES = str.maketrans({"\r": "\\r", "\n": "\\n", "\x00": "\\x00", "\x1b": "\\x1b"})


def one_line(value):
    return str(value).translate(ESCAPES)


class OneLineFormatter(logging.Formatter):
    """Escapes line breaks in the message; a traceback, written by Python, follows as usual."""

    def formatMessage(self, record):
        return one_line(super().formatMessage(record))
