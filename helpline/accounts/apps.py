from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs) -> None:
    # post_migrate is sent once per app, and each app's permissions are created
    # by its own signal; wait for the last app so every permission exists.
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from .roles import ensure_roles

    ensure_roles()


def _role_groups_joined(sender, instance, action, pk_set=None, reverse=False, **kwargs) -> None:
    """Joining a role group anywhere (the admin, a shell) makes the account staff."""
    if action != "post_add" or not pk_set:
        return
    from django.contrib.auth.models import Group

    from .roles import ALL_ROLES
    from .services import staff_role_groups_joined

    if isinstance(instance, Group):  # group.user_set.add(...): pk_set holds users
        if instance.name in ALL_ROLES:
            staff_role_groups_joined(pk_set)
    elif Group.objects.filter(pk__in=pk_set, name__in=ALL_ROLES).exists():
        staff_role_groups_joined([instance.pk])
        instance.is_staff = True


class AccountsConfig(AppConfig):
    name = "helpline.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, dispatch_uid="helpline-ensure-roles")
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        m2m_changed.connect(_role_groups_joined, sender=get_user_model().groups.through,
                            dispatch_uid="accounts-role-groups-staff")
