"""What every screen shows of a hearing's speakers' list, built once: the public page, its
WebSocket, the API and the chair's console read `public_state`; the console adds `balance`.

The database is the truth. After each change the services call `announce`, which sends the new
state to the hearing's channel group; a screen that reconnects (or a Redis that restarted) gets
the whole state again from the database."""

import asyncio
import datetime
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from consultations.enums import SpeakerState
from consultations.models import FloorList, Hearing, SpeakerRequest
from consultations.statistics import (
    CATEGORY_LABELS,
    NOT_STATED,
    region_label,
    region_sort_key,
    speaker_region,
)

STATE_MESSAGE = "floor.state"
logger = logging.getLogger(__name__)


def group_name(hearing_id):
    return f"floor.hearing.{hearing_id}"


def current_floor_list(hearing_id):
    """The list the room is on: the one last changed that has not ended, else the one that ended
    last. One query."""
    return (
        FloorList.objects.filter(segment__hearing_id=hearing_id)
        .select_related("segment")
        .order_by(F("ended_at").desc(nulls_first=True), "-updated_at", "-pk")
        .first()
    )


def queued_requests(floor_list):
    return (
        SpeakerRequest.objects.filter(floor_list=floor_list, state__in=SpeakerState.queued())
        .select_related("registration", "organization")
        .only(
            "position",
            "state",
            "category",
            "started_at",
            "limit_seconds",
            "registration__name",
            "registration__listed_publicly",
            "organization__name",
        )
        .order_by("position")
    )


def public_speaker(request):
    """A speaker as the public sees them: the name only if they agreed to be listed publicly,
    never an email."""
    speaker = {
        "name": request.registration.name if request.registration.listed_publicly else None,
        "organization": request.organization.name,
        "category": request.category,
        "category_label": str(CATEGORY_LABELS.get(request.category, "")),
        "limit_seconds": request.limit_seconds,
    }
    if request.started_at is not None:
        speaker["started_at"] = request.started_at.isoformat()
        speaker["ends_at"] = (
            request.started_at + datetime.timedelta(seconds=request.limit_seconds)
        ).isoformat()
    return speaker


def public_state(hearing_id):
    """The whole public state of the hearing's speakers' list, as JSON-ready data. Two queries
    (the list, then its queue) whatever the length of the queue."""
    floor_list = current_floor_list(hearing_id)
    state = {"server_time": timezone.now().isoformat(), "segment": None}
    if floor_list is None:
        return {**state, "open": False, "ended": False, "speaking": None, "waiting": []}
    requests = list(queued_requests(floor_list))
    speaking = next((r for r in requests if r.state == SpeakerState.SPEAKING), None)
    return {
        **state,
        "segment": {"order": floor_list.segment.order, "title": floor_list.segment.title},
        "open": floor_list.is_open,
        "ended": floor_list.ended_at is not None,
        "default_limit_seconds": floor_list.default_limit_seconds,
        "speaking": public_speaker(speaking) if speaking else None,
        "waiting": [public_speaker(r) for r in requests if r.state == SpeakerState.WAITING],
    }


def running_event_loop():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def announce(hearing_id):
    """Send the state to every screen watching the hearing. Called after the change has
    committed, so what it reads is what the next reload would show."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": STATE_MESSAGE, "state": public_state(hearing_id)}
    send = async_to_sync(layer.group_send)
    try:
        if running_event_loop():
            # This thread runs an event loop already (an async caller, or Playwright's in the
            # browser tests) and may not block on another: the send gets a thread of its own.
            with ThreadPoolExecutor(max_workers=1) as sender:
                sender.submit(send, group_name(hearing_id), message).result()
        else:
            send(group_name(hearing_id), message)
    except (OSError, RedisError):
        # The change is stored; screens get it when they reconnect or with the next change.
        logger.warning(
            "The speakers' list of hearing %s changed but Redis was unreachable.", hearing_id
        )


def published_hearing_id(slug):
    return Hearing.objects.published().filter(slug=slug).values_list("pk", flat=True).first()


@dataclass
class BalanceRow:
    label: str
    requests: int
    speakers: int
    minutes: int


@dataclass
class Balance:
    """Requests, speakers and minutes so far on one list, by category and by region, with the
    rules of "who was heard" (`statistics.speaker_region`)."""

    speakers: int
    minutes: int
    by_category: list
    by_region: list


def balance(floor_list, now=None):
    """One query."""
    now = now or timezone.now()
    rows = SpeakerRequest.objects.filter(floor_list=floor_list).exclude(
        state=SpeakerState.WITHDRAWN
    )
    counts = {key: (Counter(), Counter(), Counter()) for key in ("category", "region")}
    for state, category, region, started_at, seconds in rows.values_list(
        "state", "category", "organization__region", "started_at", "seconds_spoken"
    ):
        if state == SpeakerState.SPEAKING:
            seconds = (now - started_at).total_seconds()
        keys = {
            "category": category or NOT_STATED,
            "region": speaker_region(category, region, None),
        }
        for dimension, key in keys.items():
            requested, spoke, spoken = counts[dimension]
            requested[key] += 1
            if state in (SpeakerState.SPEAKING, SpeakerState.DONE):
                spoke[key] += 1
                spoken[key] += seconds or 0

    def table(dimension, keys, label):
        requested, spoke, spoken = counts[dimension]
        return [
            BalanceRow(label(key), requested[key], spoke[key], round(spoken[key] / 60))
            for key in keys
            if requested[key]
        ]

    return Balance(
        speakers=sum(counts["category"][1].values()),
        minutes=round(sum(counts["category"][2].values()) / 60),
        by_category=table("category", CATEGORY_LABELS, CATEGORY_LABELS.get),
        by_region=table("region", sorted(counts["region"][0], key=region_sort_key), region_label),
    )
