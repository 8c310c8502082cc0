from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "helpline.journey"
    label = "journey"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Saved timelines are removed by the site-wide retention command (`helpline purge`).
        from helpline.common import purge

        from .services import saved_timeline_purge

        purge.register(
            "journey.saved_timelines",
            "delete saved personal timelines that expired or are older than the retention period",
        )(saved_timeline_purge)
