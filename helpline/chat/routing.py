"""Websocket routes of live chat (collected by helpline/routing.py)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/chat/visitor/<str:token>/", consumers.VisitorConsumer.as_asgi()),
    # staff name a conversation by its id (the token is the visitor's, never shown to staff)
    path("ws/chat/staff/<str:conversation_id>/", consumers.StaffConversationConsumer.as_asgi()),
    path("ws/chat/console/", consumers.ConsoleConsumer.as_asgi()),
]
