from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "helpline.answers"
    label = "answers"
    default_auto_field = "django.db.models.BigAutoField"
