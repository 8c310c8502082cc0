from django.contrib import admin

from .models import Delivery, Donation, NewsletterIssue, Subscriber, VolunteerInterest
from .selectors import issue_delivery_counts


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "status", "consent_at", "consent_source"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    readonly_fields = ["requested_at", "confirmation_sent_at", "consent_at", "consent_source",
                       "unsubscribed_at"]


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "send_started_at", "send_finished_at", "deliveries"]
    readonly_fields = ["created_by", "created_at", "send_started_at", "send_finished_at"]
    fields = ["subject_en", "body_en", "subject_es", "body_es", *readonly_fields]

    @admin.display(description="deliveries (sent / refused / interrupted)")
    def deliveries(self, obj: NewsletterIssue) -> str:
        c = issue_delivery_counts(obj)
        return f"{c['sent']} / {c['failed']} / {c['claimed']}"

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "email", "language", "status", "claimed_at", "sent_at", "error"]
    list_filter = ["status", "issue"]
    search_fields = ["email"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VolunteerInterest)
class VolunteerInterestAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "zip_code", "created_at"]
    search_fields = ["name", "email", "zip_code"]


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "__str__", "frequency", "livemode", "stripe_object_id"]
    list_filter = ["frequency", "livemode", "currency"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
