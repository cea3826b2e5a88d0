"""Error pages. Django calls the 500 handler inside its `except` block, so the handler sees the
exception: a database that is down or timing out gives a friendly 503 asking to try again in a
minute (the request's transaction was rolled back, so nothing was half-written); anything else
gives the 500 page quoting the request id found in the log line."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _

DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def _render(request, template, status, fallback):
    request_id = getattr(request, "request_id", "")
    try:
        content = render_to_string(template, {"request_id": request_id}, request=request)
    except Exception:  # the error page must answer whatever else is broken
        content = (
            f"<!doctype html><title>{escape(fallback)}</title><p>{escape(fallback)}</p>"
            f"<p><code>{escape(request_id)}</code></p>"
        )
    return HttpResponse(content, status=status)


def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_FAULTS):
        response = _render(
            request,
            "503.html",
            503,
            _("The site is briefly unavailable. Please try again in a minute."),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _render(request, "500.html", 500, _("Something went wrong on our side."))
