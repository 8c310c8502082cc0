from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "helpline.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.common.metrics import register_collector

        from .metrics import queue_metrics

        register_collector(queue_metrics)
