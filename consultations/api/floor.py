"""`/api/v1/hearings/<slug>/speakers/`: the public state of the hearing's speakers' list, the
same the live page and its WebSocket show; staff who run the floor also get the queue with its
ids, and drive the list by POSTing the console's actions, through the same services."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations.api.views import refused
from consultations.cache import page_shows
from consultations.enums import SegmentKind, SpeakerState
from consultations.floor import current_floor_list, public_state
from consultations.floor_actions import ACTIONS, act
from consultations.floor_views import may_run_floor
from consultations.models import Hearing, Segment, SpeakerRequest
from consultations.services import TransitionRefused, floor_list_for


class RunsTheFloor(BasePermission):
    """Anyone reads; acting needs a staff account with the "run the floor" permission."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or may_run_floor(request.user)


class FloorActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    segment = serializers.IntegerField(
        required=False, help_text=_("The segment's order; by default the current list's.")
    )
    request = serializers.IntegerField(required=False)
    registration = serializers.IntegerField(required=False)
    minutes = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)


def staff_queue(floor_list):
    """What the chair needs to act on the queue: ids, without emails."""
    requests = (
        SpeakerRequest.objects.filter(floor_list=floor_list, state__in=SpeakerState.queued())
        .select_related("registration", "organization")
        .order_by("position")
    )
    return [
        {
            "id": r.pk,
            "registration": r.registration_id,
            "name": r.registration.name,
            "organization": r.organization.name,
            "category": r.category,
            "state": r.state,
            "limit_seconds": r.limit_seconds,
            "started_at": r.started_at.isoformat() if r.started_at else None,
        }
        for r in requests
    ]


class SpeakersView(APIView):
    permission_classes = [RunsTheFloor]

    def get_hearing(self, slug):
        return get_object_or_404(Hearing.objects.published().only("pk"), slug=slug)

    def state(self, request, hearing):
        state = public_state(hearing.pk)
        if may_run_floor(request.user):
            floor_list = current_floor_list(hearing.pk)
            state["queue"] = staff_queue(floor_list) if floor_list else []
        return state

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, slug):
        hearing = self.get_hearing(slug)
        # Cached for the public until this hearing changes, its speakers' list included (the
        # page cache reads Django's request, which DRF's wraps).
        page_shows(request._request, hearing)
        return Response(self.state(request, hearing))

    @extend_schema(
        request=FloorActionSerializer,
        responses={
            200: OpenApiTypes.OBJECT,
            409: OpenApiResponse(description=_("The move is not allowed.")),
        },
    )
    def post(self, request, slug):
        hearing = get_object_or_404(Hearing.objects.only("pk"), slug=slug)
        given = FloorActionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if "segment" in data:
            segment = get_object_or_404(
                Segment, hearing=hearing, order=data["segment"], kind=SegmentKind.INTERACTIVE
            )
            floor_list = floor_list_for(segment)
        else:
            floor_list = current_floor_list(hearing.pk)
            if floor_list is None:
                return Response(
                    {"segment": [_("Name the interactive segment: no list has started.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        fields = {key: str(value) for key, value in data.items()}
        try:
            act(floor_list, fields, request.user)
        except TransitionRefused as error:
            return refused(error)
        return Response(self.state(request, hearing))
