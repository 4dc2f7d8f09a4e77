from django.contrib import admin

from .models import Innovation, Review, StatusChange, Supplier, SupplierMember


class SupplierMemberInline(admin.TabularInline):
    model = SupplierMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "size", "registration_number")
    list_filter = ("country", "size")
    search_fields = ("name", "registration_number")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SupplierMemberInline]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "from_status", "to_status", "reason", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ("title", "supplier", "status", "maturity", "route", "submitted_at")
    list_filter = ("status", "route", "domains")
    search_fields = ("title", "summary", "supplier__name")
    raw_id_fields = ("supplier", "assigned_reviewer", "revision_of")
    readonly_fields = ("status", "created_at", "updated_at", "submitted_at", "published_at")
    inlines = [StatusChangeInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("innovation", "reviewer", "decision", "created_at")
    list_filter = ("decision",)
    raw_id_fields = ("innovation", "reviewer")
