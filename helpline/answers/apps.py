from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "helpline.answers"
    label = "answers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.accounts import roles
        from helpline.articles.signals import version_published, version_unpublished

        from . import signals

        version_published.connect(signals.on_version_published, dispatch_uid="answers-index-published")
        version_unpublished.connect(signals.on_version_unpublished, dispatch_uid="answers-index-unpublished")
        roles.register(roles.EDITOR, "answers.view_questionlog", "answers.view_unanswered")
        roles.register(roles.SUPERVISOR, "answers.view_questionlog", "answers.view_unanswered")

        from django.db.models.signals import post_save

        from helpline.common.health import register_check

        from . import metrics
        from .models import QuestionLog

        post_save.connect(metrics.on_question_logged, sender=QuestionLog, dispatch_uid="answers-metrics")

        register_check("answer_index", metrics.index_ready)

        from . import retention  # noqa: F401 - registers the retention step
