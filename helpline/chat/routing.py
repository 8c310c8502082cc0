"""Websocket routes of live chat (collected by helpline/routing.py)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/chat/visitor/<str:token>/", consumers.VisitorConsumer.as_asgi()),
    path("ws/chat/staff/<str:token>/", consumers.StaffConversationConsumer.as_asgi()),
    path("ws/chat/console/", consumers.ConsoleConsumer.as_asgi()),
]
