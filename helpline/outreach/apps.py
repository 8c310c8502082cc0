from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "helpline.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles

        # Supervisors run the newsletter and read volunteer sign-ups and donations;
        # administrators may also correct and delete.
        supervisor = ("outreach.view_volunteerinterest", "outreach.view_newsletterissue",
                      "outreach.add_newsletterissue", "outreach.change_newsletterissue",
                      "outreach.send_newsletterissue", "outreach.view_subscriber",
                      "outreach.view_delivery", "outreach.view_donation")
        roles.register(roles.SUPERVISOR, *supervisor)
        roles.register(roles.ADMINISTRATOR, *supervisor, "outreach.delete_volunteerinterest",
                       "outreach.change_subscriber")
        from . import retention  # noqa: F401 - registers the retention steps (helpline purge)
