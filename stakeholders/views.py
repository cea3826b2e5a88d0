"""The organizations directory, an organization's page and a person's page.

The pages show what people did at hearings through the reverse relations the `consultations` app
declares (`participations`, `contributions`); this module imports nothing from it, so the
dependence between the apps keeps its one direction."""

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page, require_safe
from django_countries import countries

from stakeholders.enums import Region, StakeholderCategory
from stakeholders.filters import OrganizationFilterSet
from stakeholders.models import Organization, Person

PAGE_SIZE = 50
LATEST_CONTRIBUTIONS = 25
PUBLISHED_HEARING = Q(segment__hearing__published=True) | Q(
    sub_discussion__segment__hearing__published=True
)


def select_field(request, name, label, any_label, choices):
    """A list filter as a select (templates/includes/select_filter.html). A value given in the
    address but not among the choices stays shown and selected, so the visitor sees why the list
    is empty."""
    current = request.GET.get(name, "")
    options = [(str(value), text, str(value) == current) for value, text in choices]
    if current and not any(selected for _value, _text, selected in options):
        options.append((current, current, True))
    return {"name": name, "label": label, "any_label": any_label, "options": options}


def public_page(view):
    """GET or HEAD only, with an ETag of its content, outside ATOMIC_REQUESTS (it only reads)."""
    return transaction.non_atomic_requests(require_safe(conditional_page(view)))


def with_segments(roles):
    """Each role with the segment it belongs to, directly or through its sub-discussion."""
    roles = list(roles)
    for role in roles:
        role.in_segment = role.segment or role.sub_discussion.segment
    return roles


def roles_queryset(model):
    """Programme roles at published hearings, most recent hearing first, each with its place and
    hearing in the same query."""
    return (
        model.objects.filter(PUBLISHED_HEARING)
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
    codes = Organization.objects.exclude(country="").values_list("country", flat=True).distinct()
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
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stakeholders/organization_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
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
    participation_model = Organization._meta.get_field("participations").related_model
    contributions = organization.contributions.published().credited()
    return render(
        request,
        "stakeholders/organization_detail.html",
        {
            "organization": organization,
            "people": organization.people.only(
                "honorific", "name", "slug", "position", "organization_id"
            ),
            "roles": with_segments(
                roles_queryset(participation_model).filter(organization=organization)
            ),
            "contributions": contributions.select_related("hearing")
            .only(
                "reference", "title", "language", "published_at", "organization", "hearing__title"
            )
            .order_by("-published_at", "-id")[:LATEST_CONTRIBUTIONS],
            "contribution_count": contributions.count(),
        },
    )


@public_page
def person_detail(request, slug):
    person = get_object_or_404(Person.objects.public().select_related("organization"), slug=slug)
    participation_model = Person._meta.get_field("participations").related_model
    return render(
        request,
        "stakeholders/person_detail.html",
        {
            "person": person,
            "roles": with_segments(roles_queryset(participation_model).filter(person=person)),
        },
    )
