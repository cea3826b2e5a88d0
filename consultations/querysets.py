"""One queryset method per public view of the data, so every page asks the same question the
same way."""

from django.db import models
from django.utils import timezone

from consultations.enums import ContributionStatus, OutcomeStatus


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

    def for_cards(self):
        """What a hearing card shows (home page, hearing list): its process, its windows and
        whether its outcome is out, in the same query as the hearing."""
        return self.select_related("process", "outcome").only(
            "title",
            "slug",
            "date",
            "venue",
            "city",
            "time_zone",
            "registration_opens",
            "registration_closes",
            "contributions_open",
            "contributions_close",
            "process__title",
            "outcome__status",
            "outcome__hearing_id",
        )

    def with_published_outcome(self):
        return self.filter(outcome__status=OutcomeStatus.PUBLISHED)


class ContributionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=ContributionStatus.public())

    def get_by_natural_key(self, reference):
        return self.get(reference=reference)

    def for_list(self):
        """Published contributions as the public list shows them, newest first; the id breaks
        ties so that pages never repeat or skip a row (index contribution_published_recent)."""
        return (
            self.published()
            .select_related("hearing", "organization")
            .only(
                "reference",
                "title",
                "excerpt",
                "language",
                "category",
                "consent",
                "author_name",
                "published_at",
                "hearing__title",
                "hearing__slug",
                "organization__name",
                "organization__slug",
            )
            .order_by("-published_at", "-id")
        )
