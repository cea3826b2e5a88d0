from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients, counted per address in the default cache (Redis when REDIS_URL is set).
    The rate is read on each request, so that settings changed at run time apply."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
