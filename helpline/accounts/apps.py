from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs) -> None:
    # post_migrate is sent once per app, and each app's permissions are created
    # by its own signal; wait for the last app so every permission exists.
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from .roles import ensure_roles

    ensure_roles()


class AccountsConfig(AppConfig):
    name = "helpline.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, dispatch_uid="helpline-ensure-roles")
