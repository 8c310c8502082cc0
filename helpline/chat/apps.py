from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "helpline.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
