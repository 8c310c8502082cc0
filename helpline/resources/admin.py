from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from helpline.common.exceptions import NotAllowed

from . import services
from .models import Referral, ReferralItem, Resource
from .selectors import stale_cutoff


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", _("Not verified in 12 months")), ("current", _("Verified in 12 months"))]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.filter(last_verified__lt=stale_cutoff())
        if self.value() == "current":
            return queryset.filter(last_verified__gte=stale_cutoff())
        return queryset


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "need", "area", "zip_code", "languages", "last_verified", "needs_check",
                    "active", "is_sample"]
    list_filter = [VerifiedFilter, "need", "area", "active", "is_sample", "cost"]
    search_fields = ["name", "provider", "zip_code", "states"]
    readonly_fields = ["latitude", "longitude", "created_at", "updated_at"]
    actions = ["mark_verified"]

    @admin.display(boolean=True, description=_("Not verified in 12 months"))
    def needs_check(self, obj: Resource) -> bool:
        return obj.is_stale()

    @admin.action(description=_("Mark as verified today"))
    def mark_verified(self, request, queryset):
        try:
            for resource in queryset:
                services.resource_mark_verified(request.user, resource)
        except NotAllowed as exc:
            self.message_user(request, exc.message, messages.ERROR)


class ReferralItemInline(admin.TabularInline):
    model = ReferralItem
    extra = 0
    readonly_fields = ["resource", "resource_name", "need"]
    can_delete = False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "channel", "created_by", "emailed_at"]
    list_filter = ["channel", "items__need"]
    # The conversation token and call-back reference are the visitor's: not shown to staff.
    exclude = ["conversation_token", "callback_ref"]
    readonly_fields = ["created_by", "created_at", "channel", "language", "note", "emailed_at",
                       "sent_in_chat_at"]
    inlines = [ReferralItemInline]

    def has_add_permission(self, request) -> bool:
        return False
