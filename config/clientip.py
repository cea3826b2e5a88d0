"""The client's address, trusting X-Forwarded-For only when the request came from a proxy named
in DJANGO_TRUSTED_PROXIES: anyone else may write that header, so it would let a visitor pick the
address login throttling counts against."""

from ipaddress import ip_address, ip_network

from django.conf import settings


def _networks():
    return [ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def _is_trusted(address, networks):
    try:
        return any(ip_address(address) in network for network in networks)
    except ValueError:
        return False


def client_ip(request):
    """REMOTE_ADDR, or, behind trusted proxies, the right-most X-Forwarded-For entry that is not
    one of them (the left-most entries are whatever the client chose to send)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for candidate in reversed([part for part in forwarded if part]):
        if not _is_trusted(candidate, networks):
            try:
                return str(ip_address(candidate))
            except ValueError:
                return remote
    return remote
