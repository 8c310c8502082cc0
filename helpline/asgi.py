"""ASGI entry point: HTTP through Django (shared pages answered in front of it), websockets
through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from helpline.common.pagecache_asgi import EarlyPages  # noqa: E402
from helpline.common.websocket import OriginValidator  # noqa: E402
from helpline.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Shared pages (helpline.common.pagecache) straight from the cache; the rest to Django.
        "http": EarlyPages(django_asgi_app),
        # Same origin only: scheme, host and port (helpline.common.websocket.origin_allowed).
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Long-lived start-up objects out of the collector's way; fewer full collections.
from helpline.common.runtime import tune_garbage_collector  # noqa: E402

tune_garbage_collector()

# The embedded default (SQLite): WAL checkpoints on a thread of their own, not inside a
# chat line's commit on the database thread (helpline.common.sqlite_wal).
from helpline.common import sqlite_wal  # noqa: E402

sqlite_wal.enable()
