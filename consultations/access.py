"""Who may see what is not public yet, written once for pages, downloads and the API.

The public sees what each model's public queryset method returns (`Hearing.objects.published()`,
`Contribution.objects.published()`, …). Staff holding a model's view permission also see the
rest, to preview it. Anything else answers 404, as if it did not exist."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from consultations.cache import page_shows
from consultations.models import Contribution, Hearing


def staff_may_view(user, model):
    """The one "staff may see it" rule: a signed-in staff member with the model's view
    permission (as the back office asks)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_staff
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    )


def staff_may_view_page(request, model):
    """`staff_may_view` for a page. A request without a session cookie is anonymous: answering
    that without opening the session keeps `Vary: Cookie` off the public pages."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return staff_may_view(request.user, model)


def hearing_for(request, slug, queryset=None):
    """A published hearing; staff may also preview unpublished ones. The page's cached copy
    depends on this hearing only."""
    queryset = Hearing.objects.all() if queryset is None else queryset
    if not staff_may_view_page(request, Hearing):
        queryset = queryset.published()
    hearing = get_object_or_404(queryset, slug=slug)
    page_shows(request, hearing)
    return hearing


def outcome_texts_shown(request, hearing):
    """Whether the page shows the hearing's outcome texts: once its outcome is published, or to
    staff previewing it."""
    return hearing.outcome_is_public or staff_may_view_page(request, Hearing)


def contribution_for(request, reference, queryset=None):
    """A published contribution (to a published hearing); staff may see any."""
    queryset = Contribution.objects.all() if queryset is None else queryset
    if not staff_may_view_page(request, Contribution):
        queryset = queryset.published()
    contribution = get_object_or_404(queryset, reference=reference)
    page_shows(request, contribution)
    return contribution
