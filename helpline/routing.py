"""Websocket routes of every app, collected in one list."""

from django.urls import re_path

from helpline.chat.routing import websocket_urlpatterns as chat_routes
from helpline.common.websocket import NoRouteConsumer

websocket_urlpatterns = [
    *chat_routes,
    # Last: refuse unknown websocket paths cleanly (403) instead of a server error.
    re_path(r"", NoRouteConsumer.as_asgi()),
]
