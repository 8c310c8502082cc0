from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "helpline.journey"
    label = "journey"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Saved timelines are removed by the site-wide retention command (`helpline purge`).
        from . import retention  # noqa: F401
