from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "helpline.phone"
    label = "phone"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles

        from . import retention  # noqa: F401 - registers the retention step (helpline purge)

        # Specialists log and complete their own calls; supervisors read and complete any.
        roles.register(roles.SPECIALIST, "phone.add_phonecontact", "phone.change_phonecontact")
        roles.register(roles.SUPERVISOR, "phone.add_phonecontact", "phone.change_phonecontact",
                       "phone.view_phonecontact")
