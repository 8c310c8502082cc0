from django.apps import AppConfig


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
        def launcher_state() -> tuple:
            availability = chat_availability()
            return availability["open"], availability["hours_open"], availability["opens_at"]

        pagecache.vary_on(launcher_state)

        from . import signals

        signals.connect()

        from . import retention, transcripts  # noqa: F401 - retention step, visitor erasure
