from django.contrib import admin, messages

from helpline.common.exceptions import ApplicationError

from . import selectors, services
from .models import (
    Article,
    ArticleVersion,
    ReferenceAcceptance,
    Revision,
    Topic,
    TrustedDomain,
    WorkflowEvent,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_es", "order"]


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["language", "slug", "status"]
    readonly_fields = ["status"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["key", "topic", "order"]
    inlines = [VersionInline]


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "title", "published_at", "published_by", "change_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    """Status changes go through the workflow services (and their permission checks)."""

    list_display = ["__str__", "language", "status", "review_due", "translation_out_of_date"]
    list_filter = ["language", "status"]
    readonly_fields = ["status", "live_revision", "latest_revision"]
    inlines = [RevisionInline]
    actions = ["publish_selected", "archive_selected"]

    @admin.display(boolean=True, description="Review due")
    def review_due(self, obj) -> bool:
        return selectors.review_due(obj)

    @admin.display(boolean=True, description="Translation out of date")
    def translation_out_of_date(self, obj) -> bool:
        return selectors.translation_out_of_date(obj)

    def _run(self, request, queryset, action) -> None:
        for version in queryset:
            try:
                action(request.user, version, request=request)
            except ApplicationError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)

    @admin.action(description="Publish (medical reviewers only)")
    def publish_selected(self, request, queryset) -> None:
        self._run(request, queryset, services.publish)

    @admin.action(description="Archive")
    def archive_selected(self, request, queryset) -> None:
        self._run(request, queryset, services.archive)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "version", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrustedDomain)
class TrustedDomainAdmin(admin.ModelAdmin):
    """The trusted-source list (administrators). Changes are audited and clear the policy cache."""

    list_display = ["domain", "kind", "note", "added_at"]
    list_filter = ["kind"]
    search_fields = ["domain", "kind"]
    readonly_fields = ["added_at"]

    def save_model(self, request, obj, form, change) -> None:
        services.trusted_domain_save(request.user, obj, request=request)

    def delete_model(self, request, obj) -> None:
        services.trusted_domain_delete(request.user, obj, request=request)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            services.trusted_domain_delete(request.user, obj, request=request)


@admin.register(ReferenceAcceptance)
class ReferenceAcceptanceAdmin(admin.ModelAdmin):
    """Read-only: acceptances are given on the editorial page by medical reviewers."""

    list_display = ["accepted_at", "version", "url", "accepted_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
