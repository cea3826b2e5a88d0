from django.urls import path

from consultations.consumers import FloorConsumer

websocket_urlpatterns = [
    path("ws/hearings/<slug:slug>/live/", FloorConsumer.as_asgi()),
]
