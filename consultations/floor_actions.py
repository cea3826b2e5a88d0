"""The chair's actions on a speakers' list, named as the console's buttons and the API's
`action` field name them, each run through its service."""

from django.utils.translation import gettext as _

from consultations import services
from consultations.models import Registration, SpeakerRequest

ACTIONS = [
    "give",
    "finish",
    "skip",
    "up",
    "down",
    "withdraw",
    "limit",
    "add",
    "close",
    "reopen",
    "end",
]


def whole_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def act(floor_list, post, user):
    """Run the console's button through its service. Raises TransitionRefused with a sentence
    for the chair."""
    action = post.get("action", "")
    if action in {"close", "reopen"}:
        return services.set_floor_list_open(floor_list, action == "reopen", by=user)
    if action == "end":
        return services.end_floor_list(floor_list, by=user)
    if action == "finish":
        return services.finish_speaker(floor_list, by=user)
    if action == "add":
        registration = Registration.objects.filter(
            pk=whole_number(post.get("registration")), hearing=floor_list.segment.hearing_id
        ).first()
        if registration is None:
            raise services.TransitionRefused(_("Choose a registration from the search."))
        return services.request_floor(registration, floor_list.segment, by=user)
    request = None
    if post.get("request"):
        request = SpeakerRequest.objects.filter(
            pk=whole_number(post.get("request")), floor_list=floor_list
        ).first()
        if request is None:
            raise services.TransitionRefused(_("This request is no longer on the list."))
    if action == "limit":
        minutes = post.get("minutes", "").replace(",", ".")
        try:
            seconds = round(float(minutes) * 60)
        except (ValueError, OverflowError):
            raise services.TransitionRefused(
                _("Give the speaking time in minutes, for example 3 or 2.5.")
            ) from None
        return services.set_speaking_time(floor_list, seconds, request=request, by=user)
    if action == "give":
        return services.give_floor(floor_list, request, by=user)
    if request is None:
        raise services.TransitionRefused(_("Choose what to do from the console's buttons."))
    if action in {"up", "down"}:
        return services.move_floor_request(request, -1 if action == "up" else 1, by=user)
    if action == "skip":
        return services.skip_floor_request(request, by=user)
    if action == "withdraw":
        return services.withdraw_floor_request(request, by=user)
    raise services.TransitionRefused(_("Choose what to do from the console's buttons."))
