"""Websocket routes of every app, collected in one list."""

from helpline.chat.routing import websocket_urlpatterns as chat_routes

websocket_urlpatterns = [*chat_routes]
