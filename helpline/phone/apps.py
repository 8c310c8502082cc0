from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "helpline.phone"
    label = "phone"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles
        from helpline.common import purge

        from .services import phone_contacts_purge

        # Specialists log and complete their own calls; supervisors read and complete any.
        roles.register(roles.SPECIALIST, "phone.add_phonecontact", "phone.change_phonecontact")
        roles.register(roles.SUPERVISOR, "phone.add_phonecontact", "phone.change_phonecontact",
                       "phone.view_phonecontact")
        purge.register(
            "phone.contacts",
            "Phone calls: clear notes and delete the voice webhook log (dates, language, "
            "topics, durations and outcomes stay)",
        )(phone_contacts_purge)
