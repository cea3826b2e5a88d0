from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback


def api_exception_handler(exc, context):
    """DRF's answers, plus a 409 with a sentence where the database keeps a record others still
    point to (a hearing with contributions, an organization with people) or refuses a write
    that raced another one, instead of a 500."""
    if isinstance(exc, (ProtectedError, RestrictedError)):
        set_rollback()
        return Response(
            {"detail": _("Other records still refer to this one, so it cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        set_rollback()
        return Response(
            {"detail": _("The change conflicts with another record; reload and try again.")},
            status=status.HTTP_409_CONFLICT,
        )
    return exception_handler(exc, context)
