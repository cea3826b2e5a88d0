"""Badges and what the door reads from them.

A badge's QR code holds a token signed with `BADGE_SALT`: the registration's number and a
signature, nothing personal, and nothing anyone can forge without the site's secret key. It does
not expire: a badge printed weeks ahead still opens the door, and cancelling the registration is
what makes the door refuse it. At the door, staff may also type the reference printed on the
badge (GCM-2017-R00042).

The PDF is reached through its own signed, expiring link (`BADGE_LINK_SALT`), which the approval
email and the status page carry."""

import re

import segno
from django.core import signing
from django.urls import reverse
from django.utils.safestring import mark_safe

from consultations.models import Registration

BADGE_SALT = "consultations.badge"
BADGE_LINK_SALT = "consultations.badge-link"
BADGE_LINK_MAX_AGE = 180 * 24 * 60 * 60
CODE_MAX_LENGTH = 200
REFERENCE = re.compile(r"^(?P<prefix>.+-\d{4}-R)(?P<number>\d{1,12})$", re.IGNORECASE)


def badge_token(registration):
    return signing.Signer(salt=BADGE_SALT).sign(str(registration.pk))


def registration_id_from_code(code):
    """The registration number a scanned token or a typed reference names, or None for anything
    else (a tampered token, a stranger's QR code, text). The reference's prefix is checked
    against the registration once it is loaded (`code_matches`)."""
    code = (code or "").strip()[:CODE_MAX_LENGTH]
    try:
        return int(signing.Signer(salt=BADGE_SALT).unsign(code))
    except (signing.BadSignature, ValueError):
        pass
    match = REFERENCE.match(code)
    return int(match["number"]) if match else None


def code_matches(code, registration):
    """A typed reference must be the registration's own (process code and year), so that a
    number from another process's reference does not pass for this one."""
    code = code.strip()
    if REFERENCE.match(code) is None:
        return True
    return code.upper() == registration.reference.upper()


def qr_svg(token):
    """The QR code as inline SVG: the PDF maker loads no `data:` or remote image. Safe markup:
    segno writes only path data, and the token is ours, signed."""
    svg = segno.make(token, error="m").svg_inline(scale=4, border=2, dark="#000", omitsize=True)
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def badge_link_token(registration):
    return signing.TimestampSigner(salt=BADGE_LINK_SALT).sign(str(registration.pk))


def badge_path(registration):
    return reverse("consultations:badge", args=[badge_link_token(registration)])


def organization_of(registration):
    if registration.organization_id:
        return registration.organization.name
    return registration.organization_name


def badge_context(registration):
    return {
        "registration": registration,
        "organization": organization_of(registration),
        "qr": qr_svg(badge_token(registration)),
    }


def registrations_for_badges(queryset=None):
    queryset = Registration.objects.all() if queryset is None else queryset
    return queryset.select_related("hearing__process", "organization")
