from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "helpline.articles"
    label = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpline.common import pagecache

        from .signals import version_published, version_unpublished

        # Cached public pages name the live revisions they show; a publish or a
        # withdrawal also starts a new generation, so no earlier page is read again.
        def _pages_changed(sender, **kwargs) -> None:
            pagecache.bump_generation()

        version_published.connect(_pages_changed, dispatch_uid="articles-pages-published", weak=False)
        version_unpublished.connect(_pages_changed, dispatch_uid="articles-pages-unpublished",
                                    weak=False)

        from django.db.models.signals import post_migrate

        from helpline.accounts import roles

        from . import reference_policy

        post_migrate.connect(reference_policy.seed_defaults_if_empty, sender=self,
                             dispatch_uid="articles-seed-trusted-domains")

        roles.register(roles.EDITOR, "articles.view_articleversion",
                       "articles.add_articleversion", "articles.change_articleversion",
                       "articles.translate_articleversion")
        roles.register(roles.MEDICAL_REVIEWER, "articles.view_articleversion",
                       "articles.change_articleversion", "articles.publish_articleversion",
                       "articles.archive_articleversion")
        roles.register(roles.TRANSLATOR, "articles.view_articleversion",
                       "articles.translate_articleversion")
        roles.register(
            roles.ADMINISTRATOR, "articles.view_articleversion", "articles.view_trusteddomain", "articles.add_trusteddomain",
            "articles.change_trusteddomain", "articles.delete_trusteddomain",
        )
        roles.register(roles.MEDICAL_REVIEWER, "articles.view_trusteddomain")
