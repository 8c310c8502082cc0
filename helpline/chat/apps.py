from django.apps import AppConfig

# How late the chat launcher on shared pages may follow chat opening or closing.
LAUNCHER_STATE_SECONDS = 5


class ChatConfig(AppConfig):
    name = "helpline.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.common.metrics import register_collector

        from .metrics import queue_metrics

        register_collector(queue_metrics)

        from helpline.common import pagecache

        from .selectors import chat_availability

        # The launcher on every public page says whether chat is open (hours and
        # someone on duty) and when it opens: a cached page must change when that does.
        # The state is kept for a few seconds (a console already counts as on duty for
        # PRESENCE_GRACE_SECONDS after it was last heard from), so a page hit asks
        # nobody, and a hit can be answered before Django.
        def launcher_state() -> tuple:
            availability = chat_availability()
            return availability["open"], availability["hours_open"], availability["opens_at"]

        pagecache.vary_on(launcher_state, max_age=LAUNCHER_STATE_SECONDS)

        from . import signals

        signals.connect()

        from . import retention, transcripts  # noqa: F401 - retention step, visitor erasure
