from django.apps import AppConfig


class ChatConsoleConfig(AppConfig):
    name = "helpline.chat.console"
    label = "chat_console"
    verbose_name = "Chat console"
    default_auto_field = "django.db.models.BigAutoField"
