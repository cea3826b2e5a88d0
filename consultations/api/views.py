"""The API's viewsets. Each builds its queryset in `get_queryset`, in a fixed number of queries
per page whatever the data size; what a visitor may see is decided there too (published records
only), so that anything else answers 404 as if it did not exist. Decisions and moderation call
the same service functions as the back office."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from consultations.access import staff_may_view
from consultations.api.permissions import MayChange, StaffOnly
from consultations.api.serializers import (
    ContributionSerializer,
    DecisionSerializer,
    HearingSerializer,
    ModerationSerializer,
    ProcessSerializer,
    ProcessTrailSerializer,
    RefusalSerializer,
    RegistrationSerializer,
    SegmentSerializer,
    StaffContributionSerializer,
)
from consultations.filters import (
    ContributionFilterSet,
    HearingFilterSet,
    ProcessFilterSet,
    RegistrationFilterSet,
    SegmentFilterSet,
    StaffContributionFilterSet,
)
from consultations.models import (
    Contribution,
    Hearing,
    Process,
    Registration,
    Segment,
)
from consultations.querysets import public_people
from consultations.services import TransitionRefused, decide_registration, moderate_contribution
from stakeholders.api.serializers import PersonSerializer, StaffPersonSerializer
from stakeholders.filters import PersonFilterSet
from stakeholders.models import Person


def segments_with_programme(public):
    """Segments with everything the API nests under them, the texts as written; for the
    `public`, the outcome texts only once published (`SegmentQuerySet.with_programme`)."""
    return Segment.objects.with_programme(public=public).select_related("hearing")


def refused(error):
    return Response(
        {"detail": str(error.messages[0]), "code": error.code}, status=status.HTTP_409_CONFLICT
    )


class ProcessViewSet(viewsets.ModelViewSet):
    """Intergovernmental processes under which hearings are held."""

    queryset = Process.objects.all()
    filterset_class = ProcessFilterSet
    lookup_field = "code"
    ordering_fields = ["title", "code"]
    ordering = ["title"]

    def get_queryset(self):
        """One process reads with its trail: 1 process, 2 phases, 3 documents, 4 hearings with
        their outcomes; the public sees the published hearings, staff all."""
        queryset = super().get_queryset()
        if self.action != "retrieve":
            return queryset
        hearings = Hearing.objects.select_related("outcome").order_by("date", "title")
        if not staff_may_view(self.request.user, Hearing):
            hearings = hearings.published()
        return queryset.prefetch_related(
            "phases", "documents", Prefetch("hearings", queryset=hearings, to_attr="shown_hearings")
        )

    def get_serializer_class(self):
        return ProcessTrailSerializer if self.action == "retrieve" else ProcessSerializer


class HearingViewSet(viewsets.ModelViewSet):
    """Hearings with their programme: segments in order, each with its participants,
    sub-discussions, key messages and interventions from the floor. The public sees published
    hearings; staff see all."""

    serializer_class = HearingSerializer
    filterset_class = HearingFilterSet
    lookup_field = "slug"
    ordering_fields = ["date", "title"]
    ordering = ["-date", "title"]

    def get_queryset(self):
        staff = staff_may_view(self.request.user, Hearing)
        hearings = Hearing.objects.select_related("process", "supporting_organization")
        hearings = hearings.prefetch_related(
            Prefetch("segments", queryset=segments_with_programme(public=not staff))
        )
        return hearings if staff else hearings.published()


class SegmentViewSet(viewsets.ModelViewSet):
    """Segments of published hearings, with their participants. Staff write a segment with its
    participants in one request."""

    serializer_class = SegmentSerializer
    filterset_class = SegmentFilterSet
    ordering_fields = ["order", "title"]
    ordering = ["hearing__date", "hearing_id", "order"]

    def get_queryset(self):
        staff = staff_may_view(self.request.user, Segment)
        segments = segments_with_programme(public=not staff)
        return segments if staff else segments.public()


# Here rather than in `stakeholders`: whom the public may see depends on their roles.
class PersonViewSet(viewsets.ModelViewSet):
    """People who had a role in a hearing: names, positions and organizations; emails only for
    staff."""

    queryset = Person.objects.select_related("organization")
    lookup_field = "slug"
    filterset_class = PersonFilterSet
    ordering_fields = ["name"]
    ordering = ["name"]

    def staff(self):
        return staff_may_view(self.request.user, Person)

    def get_queryset(self):
        """The public sees people with a role at a published hearing; staff see everyone."""
        queryset = super().get_queryset()
        return queryset if self.staff() else public_people(queryset)

    def get_serializer_class(self):
        return StaffPersonSerializer if self.staff() else PersonSerializer


def with_campaign_sizes(contributions):
    """Each contribution with `campaign_size`, its campaign group's published members (never
    one that is not published): one query for a page."""
    sizes = Contribution.objects.published().campaign_sizes(
        {(contribution.hearing_id, contribution.campaign) for contribution in contributions}
    )
    for contribution in contributions:
        contribution.campaign_size = sizes.get((contribution.hearing_id, contribution.campaign), 0)
    return contributions


class ContributionViewSet(viewsets.ReadOnlyModelViewSet):
    """Published contributions, the author shown as they consented. Staff see every
    contribution and moderate it."""

    lookup_field = "reference"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["published_at", "title", "reference"]
    ordering = ["-published_at", "-pk"]

    def staff(self):
        return staff_may_view(self.request.user, Contribution)

    def get_queryset(self):
        contributions = Contribution.objects.select_related("hearing", "organization")
        return contributions if self.staff() else contributions.published()

    def paginate_queryset(self, queryset):
        return with_campaign_sizes(super().paginate_queryset(queryset))

    def get_object(self):
        return with_campaign_sizes([super().get_object()])[0]

    def get_serializer_class(self):
        return StaffContributionSerializer if self.staff() else ContributionSerializer

    @property
    def filterset_class(self):
        """Read by django-filter's backend on each request; the schema documents the staff one."""
        request = getattr(self, "request", None)
        if request is None or getattr(request, "user", None) is None or self.staff():
            return StaffContributionFilterSet
        return ContributionFilterSet

    @extend_schema(
        request=ModerationSerializer,
        responses={
            200: StaffContributionSerializer,
            409: OpenApiResponse(RefusalSerializer, description=_("The move is not allowed.")),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[MayChange])
    def moderate(self, request, reference=None):
        """Move the contribution to another status (publish, reject with a reason, return to
        review), as the back office does; the author is told by email."""
        contribution = self.get_object()
        decision = ModerationSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            moderate_contribution(
                contribution,
                decision.validated_data["status"],
                by=request.user,
                reason=decision.validated_data["reason"],
            )
        except TransitionRefused as error:
            return refused(error)
        # Counted again: publishing or withdrawing it changes its campaign group's size.
        with_campaign_sizes([contribution])
        return Response(
            StaffContributionSerializer(contribution, context=self.get_serializer_context()).data
        )


class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Registrations to attend hearings: staff only, never the public."""

    serializer_class = RegistrationSerializer
    permission_classes = [StaffOnly]
    filterset_class = RegistrationFilterSet
    ordering_fields = ["created_at", "name", "status"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return Registration.objects.select_related("hearing__process", "organization")

    @extend_schema(
        request=DecisionSerializer,
        responses={
            200: RegistrationSerializer,
            409: OpenApiResponse(RefusalSerializer, description=_("The move is not allowed.")),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[MayChange])
    def decide(self, request, pk=None):
        """Approve, waitlist, reject or cancel the registration, or return it to pending, as
        the back office does; the registrant is told by email."""
        registration = self.get_object()
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            decide_registration(
                registration,
                decision.validated_data["status"],
                by=request.user,
                reason=decision.validated_data["reason"],
            )
        except TransitionRefused as error:
            return refused(error)
        return Response(self.get_serializer(registration).data)
