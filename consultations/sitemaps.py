"""What search engines should index: the public pages, each process's trail, each published
hearing with its outcome, list of participants and statistics pages, published contributions,
organizations and people."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from consultations.models import Contribution, Hearing, Process
from consultations.querysets import public_people
from consultations.views_support import link_maker
from stakeholders.models import Organization


class PagesSitemap(Sitemap):
    def items(self):
        return [
            "consultations:home",
            "consultations:hearings",
            "consultations:contributions",
            "consultations:organizations",
        ]

    def location(self, item):
        return reverse(item)


class ProcessSitemap(Sitemap):
    def items(self):
        return Process.objects.only("code").order_by("id")


class HearingSitemap(Sitemap):
    def items(self):
        return Hearing.objects.published().only("slug", "date").order_by("-date", "id")


class HearingPagesSitemap(Sitemap):
    """Statistics of each published hearing; its outcome and list of participants once the
    outcome is published."""

    def items(self):
        hearings = Hearing.objects.published().only("slug").order_by("-date", "id")
        pages = [("consultations:statistics", hearing.slug) for hearing in hearings]
        with_outcome = list(hearings.with_published_outcome().values_list("slug", flat=True))
        pages += [("consultations:outcomes", slug) for slug in with_outcome]
        pages += [("consultations:participants", slug) for slug in with_outcome]
        return pages

    def location(self, item):
        name, slug = item
        return reverse(name, args=[slug])


class ContributionSitemap(Sitemap):
    # Files of 5,000 URLs, under the protocol's 50,000: `make bench` made a file of 50,000 in
    # 3 s, cold, at 100,000 contributions, and one of 10,000 in 0.6 s on one machine but 1.4 to
    # 1.8 s on a slower one; the target is one second.
    limit = 5_000

    def items(self):
        return Contribution.objects.published().only("reference", "updated_at").order_by("-id")

    def location(self, contribution):
        return self.link(contribution.reference)

    @cached_property
    def link(self):
        """The contribution page's URL pattern, reversed once rather than once per URL."""
        return link_maker("consultations:contribution")

    def lastmod(self, contribution):
        return contribution.updated_at

    def get_latest_lastmod(self):
        """For the index: one aggregate, where Django's default reads every contribution."""
        return Contribution.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class OrganizationSitemap(Sitemap):
    def items(self):
        return Organization.objects.only("slug").order_by("id")

    def location(self, organization):
        return reverse("consultations:organization", args=[organization.slug])


class PersonSitemap(Sitemap):
    def items(self):
        return public_people().only("slug").order_by("id")

    def location(self, person):
        return reverse("consultations:person", args=[person.slug])


SITEMAPS = {
    "pages": PagesSitemap,
    "processes": ProcessSitemap,
    "hearings": HearingSitemap,
    "hearing-pages": HearingPagesSitemap,
    "contributions": ContributionSitemap,
    "organizations": OrganizationSitemap,
    "people": PersonSitemap,
}
