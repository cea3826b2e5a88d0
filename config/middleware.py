"""One log line per request, with a request id the visitor sees too (X-Request-ID, and on the
500 page), so a report from the field finds its line. The line holds no email address, no query
string and no body: the method, the path with anything that looks like an address masked, the
status, the time taken and the id."""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from config.clientip import client_ip
from config.logging import one_line
from config.storage import saved_during_request

logger = logging.getLogger("hearings.requests")

# An id a trusted proxy passed on is kept when it is plain; anything else is replaced.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
EMAIL = re.compile(r"[^/@\s]+@[^/@\s]+")

current_request_id = ContextVar("current_request_id", default="")
# Set per request for config.routers: whether this request may read from the replica.
replica_reads = ContextVar("replica_reads", default=False)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def reads_may_use_replica(request):
    """Anonymous reads: a safe method, no session and no token. Decided from the request alone,
    without a database query; anyone signed in, and every write, stays on the primary."""
    from django.conf import settings

    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def loggable_path(path):
    return one_line(EMAIL.sub("[email]", path))[:500]


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = current_request_id.set(request_id)
        replica_token = replica_reads.set(reads_may_use_replica(request))
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            replica_reads.reset(replica_token)
            current_request_id.reset(id_token)
        response["X-Request-ID"] = request_id
        logger.info(
            "%s %s %s %dms id=%s ip=%s",
            one_line(request.method)[:16],
            loggable_path(request.path),
            response.status_code,
            (time.monotonic() - started) * 1000,
            request_id,
            one_line(client_ip(request))[:64],
        )
        return response


class FailedRequestFilesMiddleware:
    """Deletes the files a request saved when it ends in a server error: its transaction was
    rolled back, so no record points to them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        saved = []
        token = saved_during_request.set(saved)
        try:
            response = self.get_response(request)
        finally:
            saved_during_request.reset(token)
        if response.status_code >= 500:
            for storage, name in saved:
                storage.delete(name)
        return response


class RefuseNulBytesMiddleware:
    """A query string holding a NUL character is refused with a 400: no page needs one, and
    PostgreSQL refuses it in a text comparison, which would otherwise surface as a 500 from
    whichever filter passed it on. (Form fields refuse it with a form error of their own.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return HttpResponseBadRequest(
                    _("The address holds a character no page accepts."),
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
