"""`POST /api/v1/hearings/<slug>/check-in/`: the door's scanner. 200 the first time, with who it
is; 409 with the reason when the badge was already checked in (and when), or its registration
is cancelled, not approved or for another hearing; 404 for a code that names no registration.
Door staff and editors only (the check-in permission); the anonymous get 401, others 403."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from consultations.access import staff_may_view
from consultations.badges import CODE_MAX_LENGTH, organization_of
from consultations.models import Hearing
from consultations.services import CheckInRefused, UnknownBadge, check_in


class MayCheckIn(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_staff
            and user.has_perm("consultations.check_in_registration")
        )


class CheckInRequestSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=CODE_MAX_LENGTH,
        help_text=gettext_lazy("The badge's QR payload, or its printed reference."),
    )


class CheckedInSerializer(serializers.Serializer):
    reference = serializers.CharField()
    name = serializers.CharField()
    organization = serializers.CharField()
    category = serializers.CharField()
    walk_in = serializers.BooleanField()
    checked_in_at = serializers.DateTimeField()


class CheckInRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(
        ["already_checked_in", "cancelled", "not_approved", "another_hearing"]
    )
    checked_in_at = serializers.DateTimeField(required=False)


def who(registration):
    return {
        "reference": registration.reference,
        "name": registration.name,
        "organization": organization_of(registration),
        "category": registration.get_category_display(),
        "walk_in": registration.walk_in,
    }


class CheckInView(APIView):
    permission_classes = [MayCheckIn]
    http_method_names = ["post", "options"]

    @extend_schema(
        request=CheckInRequestSerializer,
        responses={
            200: CheckedInSerializer,
            404: OpenApiResponse(description=gettext_lazy("Unknown badge.")),
            409: CheckInRefusalSerializer,
        },
    )
    def post(self, request, slug):
        hearings = Hearing.objects.select_related("process")
        if not staff_may_view(request.user, Hearing):
            hearings = hearings.published()
        hearing = get_object_or_404(hearings, slug=slug)
        given = CheckInRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            registration = check_in(hearing, given.validated_data["code"], request.user)
        except UnknownBadge:
            return Response({"detail": _("Unknown badge")}, status=status.HTTP_404_NOT_FOUND)
        except CheckInRefused as refusal:
            answer = {**who(refusal.registration), "detail": str(refusal.messages[0])}
            answer["code"] = refusal.code
            if refusal.code == "already_checked_in":
                answer["checked_in_at"] = refusal.registration.checked_in_at
            return Response(answer, status=status.HTTP_409_CONFLICT)
        return Response(
            CheckedInSerializer(
                {**who(registration), "checked_in_at": registration.checked_in_at}
            ).data
        )
