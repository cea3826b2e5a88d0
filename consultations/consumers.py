"""The live speakers' list over a WebSocket: the server speaks, the client only listens."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from consultations.floor import group_name, public_state, published_hearing_id


class FloorConsumer(AsyncJsonWebsocketConsumer):
    """Sends the hearing's whole public state on connect and after every change. Whatever a
    client sends is ignored: only staff change the list, through HTTP and the services. An
    unknown or unpublished hearing is refused before the handshake completes."""

    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["slug"]
        self.hearing_id = await database_sync_to_async(published_hearing_id)(slug)
        if self.hearing_id is None:
            await self.close()
            return
        self.group = group_name(self.hearing_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(public_state)(self.hearing_id))

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        """Client messages change nothing and get no answer."""

    async def floor_state(self, message):
        await self.send_json(message["state"])
