from django.contrib import admin

from .models import (
    AlertSettings,
    Follow,
    InsightDay,
    InsightMonth,
    Notification,
    SavedSearch,
    Watermark,
)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "frequency", "created_at", "digest_until")
    list_filter = ("frequency",)
    list_select_related = ("user",)
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("feed_id",)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "innovation", "challenge", "created_at")
    list_select_related = ("user", "innovation", "challenge")
    raw_id_fields = ("user", "innovation", "challenge")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "created_at", "read_at", "mailed_at")
    list_filter = ("kind",)
    list_select_related = ("user",)
    raw_id_fields = ("user", "innovation", "challenge")


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "mailed_on")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Counts and positions are made by tasks; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Watermark)
class WatermarkAdmin(ReadOnlyAdmin):
    list_display = ("name", "position", "updated_at")


@admin.register(InsightMonth)
class InsightMonthAdmin(ReadOnlyAdmin):
    list_display = ("innovation", "month", "metric", "count")
    list_filter = ("metric", "month")
    list_select_related = ("innovation",)


@admin.register(InsightDay)
class InsightDayAdmin(ReadOnlyAdmin):
    list_display = ("innovation", "day", "metric", "count")
    list_filter = ("metric",)
    list_select_related = ("innovation",)
