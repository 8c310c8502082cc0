"""Admin for chat: canned responses and the wrap-up topic list (supervisors edit them),
and a read-only look at conversations and specialist presence (no message text)."""

from django.contrib import admin

from .console.models import CannedResponse, WrapUpTopic
from .models import Conversation, SpecialistStatus


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "language", "active", "sort_order", "updated_at")
    list_filter = ("language", "active")
    search_fields = ("title", "text", "key")
    list_editable = ("active", "sort_order")
    ordering = ("sort_order", "key", "language")


@admin.register(WrapUpTopic)
class WrapUpTopicAdmin(admin.ModelAdmin):
    list_display = ("code", "label_en", "label_es", "active", "sort_order")
    list_filter = ("active",)
    search_fields = ("code", "label_en", "label_es")
    list_editable = ("active", "sort_order")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    # No token: it is the visitor's (docs/security.md); staff name conversations by id.
    list_display = ("id", "channel", "language", "status", "urgent", "assigned_to",
                    "created_at", "rating")
    list_filter = ("channel", "status", "language", "urgent")
    date_hierarchy = "created_at"
    fields = ("id", "channel", "language", "status", "urgent", "assigned_to", "created_at",
              "accepted_at", "closed_at", "topics", "rating", "callback_outcome")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SpecialistStatus)
class SpecialistStatusAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "available", "languages", "max_concurrent", "last_seen")
    list_filter = ("available",)
    search_fields = ("user__username", "display_name")
