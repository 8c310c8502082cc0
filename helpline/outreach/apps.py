from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "helpline.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import retention  # noqa: F401 - registers the retention steps (helpline purge)
