from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _grant_roles(sender, **kwargs) -> None:
    # The dashboard's permission is created after the accounts app's own
    # post_migrate hook has run, so attach role permissions again once it exists.
    from helpline.accounts.roles import ensure_roles

    ensure_roles()


class DashboardConfig(AppConfig):
    name = "helpline.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_grant_roles, sender=self, dispatch_uid="helpline-dashboard-roles")
