from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "helpline.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles

        roles.register(roles.SUPERVISOR, "dashboard.view_dashboard")
        roles.register(roles.ADMINISTRATOR, "dashboard.view_dashboard")
