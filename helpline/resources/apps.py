from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "helpline.resources"
    label = "resources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles

        # Specialists find resources and refer visitors; supervisors keep the directory.
        roles.register(roles.SPECIALIST, "resources.view_resource", "resources.add_referral")
        supervisor = ("resources.view_resource", "resources.add_resource",
                      "resources.change_resource", "resources.add_referral",
                      "resources.view_referral")
        roles.register(roles.SUPERVISOR, *supervisor)
        roles.register(roles.ADMINISTRATOR, *supervisor, "resources.delete_resource")
        from . import retention  # noqa: F401 - registers the retention steps (helpline purge)
