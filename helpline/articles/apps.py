from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "helpline.articles"
    label = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles

        roles.register(
            roles.ADMINISTRATOR, "articles.view_trusteddomain", "articles.add_trusteddomain",
            "articles.change_trusteddomain", "articles.delete_trusteddomain",
        )
        roles.register(roles.MEDICAL_REVIEWER, "articles.view_trusteddomain")
