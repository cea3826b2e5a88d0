"""The live list's WebSocket, through Channels' WebsocketCommunicator and the real ASGI
application (routing, origin check, in-memory channel layer)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from consultations import services
from consultations.enums import SpeakerState
from consultations.models import SpeakerRequest
from consultations.tests.floor_support import approved, run_async

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://localhost")]


def socket(slug):
    return WebsocketCommunicator(application, f"/ws/hearings/{slug}/live/", headers=ORIGIN)


def test_state_on_connect_and_after_each_change(floor_segment):
    amina = approved(floor_segment, "Amina")
    floor_list = services.floor_list_for(floor_segment)

    async def scenario():
        communicator = socket(floor_segment.hearing.slug)
        connected, _subprotocol = await communicator.connect()
        assert connected
        first = await communicator.receive_json_from()
        assert (first["segment"]["title"], first["speaking"], first["waiting"]) == (
            "Interactive discussion",
            None,
            [],
        )
        await database_sync_to_async(services.request_floor)(amina, floor_segment)
        queued = await communicator.receive_json_from(timeout=2)
        assert [s["name"] for s in queued["waiting"]] == ["Amina"]
        await database_sync_to_async(services.give_floor)(floor_list)
        speaking = await communicator.receive_json_from(timeout=2)
        assert speaking["speaking"]["name"] == "Amina"
        assert speaking["waiting"] == []
        await communicator.disconnect()

    run_async(scenario)


def test_client_messages_get_nothing_and_change_nothing(floor_segment):
    request = services.request_floor(approved(floor_segment, "Amina"), floor_segment)

    async def scenario():
        communicator = socket(floor_segment.hearing.slug)
        await communicator.connect()
        await communicator.receive_json_from()
        await communicator.send_json_to({"action": "give", "request": request.pk})
        await communicator.send_to(text_data="not even JSON")
        await communicator.send_to(bytes_data=b"\x00\xff")
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    run_async(scenario)
    assert SpeakerRequest.objects.get().state == SpeakerState.WAITING


def test_unpublished_or_unknown_hearing_refused(floor_segment):
    floor_segment.hearing.published = False
    floor_segment.hearing.save()

    async def connects(slug):
        communicator = socket(slug)
        connected, _code = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert run_async(connects, floor_segment.hearing.slug) is False
    assert run_async(connects, "no-such-hearing") is False


def test_foreign_origin_refused(floor_segment):
    async def connects():
        communicator = WebsocketCommunicator(
            application,
            f"/ws/hearings/{floor_segment.hearing.slug}/live/",
            headers=[(b"origin", b"https://evil.example")],
        )
        connected, _code = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert run_async(connects) is False
