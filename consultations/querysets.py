"""One queryset method per public view of the data, so every page asks the same question the
same way."""

from django.db import models
from django.utils import timezone

from consultations.enums import ContributionStatus


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class HearingQuerySet(SlugQuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self):
        """Published hearings from today on, soonest first."""
        return self.published().filter(date__gte=timezone.localdate()).order_by("date", "title")

    def past(self):
        """Published hearings before today, most recent first."""
        return self.published().filter(date__lt=timezone.localdate()).order_by("-date", "title")


class ContributionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=ContributionStatus.public())

    def get_by_natural_key(self, reference):
        return self.get(reference=reference)
