"""System checks of the settings the platform adds to Django's."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """Emails, feeds and open data link to SITE_URL: in production it must be the site's own
    address, never the development default."""
    if settings.DEBUG or settings.SITE_URL != settings.DEFAULT_SITE_URL:
        return []
    return [
        Warning(
            f"DJANGO_SITE_URL is not set: emails, feeds and open data would link to "
            f"{settings.DEFAULT_SITE_URL}.",
            hint="Set DJANGO_SITE_URL to the site's public address, e.g. https://hearings.example.org.",
            id="consultations.W001",
        )
    ]
