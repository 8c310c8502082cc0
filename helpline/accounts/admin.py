from django.contrib import admin

from .models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "credentials"]
    search_fields = ["user__username", "display_name"]
    raw_id_fields = ["user"]
