from django.apps import AppConfig


class ChatConsoleConfig(AppConfig):
    name = "helpline.chat.console"
    label = "chat_console"
    verbose_name = "Chat console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles

        # Specialists read canned responses and topics; supervisors edit both lists.
        roles.register(roles.SPECIALIST, "chat_console.view_cannedresponse",
                       "chat_console.view_wrapuptopic")
        roles.register(
            roles.SUPERVISOR,
            "chat_console.view_cannedresponse", "chat_console.add_cannedresponse",
            "chat_console.change_cannedresponse", "chat_console.delete_cannedresponse",
            "chat_console.view_wrapuptopic", "chat_console.add_wrapuptopic",
            "chat_console.change_wrapuptopic", "chat_console.delete_wrapuptopic",
            "chat.view_conversation", "chat.view_specialiststatus",
        )
