"""Websocket routes of every app, collected in one list."""

from django.urls import re_path

from helpline.accounts.middleware import guard_websocket_routes
from helpline.chat.routing import websocket_urlpatterns as chat_routes
from helpline.common.websocket import NoRouteConsumer

websocket_urlpatterns = [
    # Staff who have not entered their second factor are anonymous here too.
    *guard_websocket_routes(chat_routes),
    # Last: refuse unknown websocket paths cleanly (403) instead of a server error.
    re_path(r"", NoRouteConsumer.as_asgi()),
]
