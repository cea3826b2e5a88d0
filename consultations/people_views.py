"""The organizations directory, an organization's page and a person's page: the register as the
public sees it, with what each organization and person did at the published hearings.

They live here rather than in `stakeholders`, which is the register alone and names nothing of
the hearings."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from consultations.cache import page_shows
from consultations.models import Contribution, Participation
from consultations.public_site import formatted_date
from consultations.querysets import public_people
from consultations.views_support import link_maker, public_page, query_without_page, select_field
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.filters import OrganizationFilterSet
from stakeholders.models import Organization, Person

PAGE_SIZE = 50
LATEST_CONTRIBUTIONS = 25


def with_segments(roles):
    """Each role with the segment it belongs to, directly or through its sub-discussion, and
    its links and hearing date made once per page (roles.html)."""
    hearing = link_maker("consultations:hearing")
    person = link_maker("consultations:person")
    organization = link_maker("consultations:organization")
    roles = list(roles)
    for role in roles:
        role.in_segment = segment = role.segment or role.sub_discussion.segment
        role.hearing_url = hearing(segment.hearing.slug)
        role.date_label = formatted_date(segment.hearing.date)
        role.person_url = person(role.person.slug)
        role.organization_url = role.organization and organization(role.organization.slug)
    return roles


def with_contribution_links(contributions):
    """An organization's latest contributions with their links and publication dates made
    once per page."""
    link = link_maker("consultations:contribution")
    for contribution in contributions:
        published = timezone.localtime(contribution.published_at)
        contribution.url = link(contribution.reference)
        contribution.published_iso = dateformat.format(published, "Y-m-d\\TH:i:sO")
        contribution.published_label = formatted_date(published.date())
    return contributions


def roles_queryset():
    """Programme roles at published hearings, most recent hearing first, each with its place and
    hearing in the same query."""
    return (
        Participation.objects.public()
        .select_related(
            "person",
            "organization",
            "segment__hearing",
            "sub_discussion__segment__hearing",
        )
        .order_by(
            "-segment__hearing__date",
            "-sub_discussion__segment__hearing__date",
            "segment__order",
            "sub_discussion__segment__order",
            "order",
        )
    )


def countries_in_directory():
    # order_by() first: the model's ordering by name would make DISTINCT keep one row per name.
    codes = (
        Organization.objects.exclude(country="")
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(((code, countries.name(code)) for code in codes), key=lambda pair: pair[1])


@public_page
def organization_list(request):
    filterset = OrganizationFilterSet(
        request.GET,
        queryset=Organization.objects.only(
            "name", "acronym", "slug", "category", "country", "region"
        ),
    )
    page = Paginator(filterset.qs.order_by("name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    organizations = list(page.object_list)
    link = link_maker("consultations:organization")
    for organization in organizations:
        organization.url = link(organization.slug)
    count = page.paginator.count
    return render(
        request,
        "consultations/organization_list.html",
        {
            "filterset": filterset,
            "page": page,
            "organizations": organizations,
            "result_count": ngettext("%(counter)s organization", "%(counter)s organizations", count)
            % {"counter": count},
            "query": query_without_page(request),
            "search": request.GET.get("q", ""),
            "fields": [
                select_field(
                    request,
                    "category",
                    _("Stakeholder category"),
                    _("All categories"),
                    StakeholderCategory.choices,
                ),
                select_field(request, "region", _("Region"), _("All regions"), Region.choices),
                select_field(
                    request, "country", _("Country"), _("All countries"), countries_in_directory()
                ),
            ],
        },
    )


@public_page
def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    contributions = Contribution.objects.published().credited().filter(organization=organization)
    roles = with_segments(roles_queryset().filter(organization=organization))
    latest = with_contribution_links(
        list(
            contributions.select_related("hearing")
            .only(
                "reference", "title", "language", "published_at", "organization", "hearing__title"
            )
            .order_by("-published_at", "-id")[:LATEST_CONTRIBUTIONS]
        )
    )
    page_shows(
        request,
        organization,
        *(role.in_segment.hearing for role in roles),
        *(contribution.hearing for contribution in latest),
    )
    people = list(
        public_people(organization.people.all()).only(
            "honorific", "name", "slug", "position", "organization_id"
        )
    )
    person_link = link_maker("consultations:person")
    for person in people:
        person.url = person_link(person.slug)
    count = contributions.count()
    return render(
        request,
        "consultations/organization_detail.html",
        {
            "organization": organization,
            "people": people,
            "roles": roles,
            "contributions": latest,
            "contribution_count": count,
            "all_contributions_label": ngettext(
                "All %(counter)s contribution", "All %(counter)s contributions", count
            )
            % {"counter": count},
        },
    )


@public_page
def person_detail(request, slug):
    person = get_object_or_404(
        public_people(Person.objects.select_related("organization")), slug=slug
    )
    roles = with_segments(roles_queryset().filter(person=person))
    page_shows(request, person, *(role.in_segment.hearing for role in roles))
    return render(request, "consultations/person_detail.html", {"person": person, "roles": roles})
