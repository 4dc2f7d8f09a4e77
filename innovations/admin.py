"""Administration of suppliers and a read-only view of innovations, reviews and history.

Innovations are written and moved through the review workflow on the portal's own pages
(administrators may use all of them), so that every change goes through the services and
leaves its history; the admin shows them without offering a second, unchecked write path."""

from django.contrib import admin
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditTrailMixin

from .forms import SupplierForm
from .models import Innovation, Review, StatusChange, Supplier, SupplierMember
from .services import (
    innovation_supplier_size_sync,
    supplier_member_add,
    supplier_member_remove,
)


class SupplierMemberInline(admin.TabularInline):
    """Members are added and removed (through the services, so the audit log has it);
    an existing membership is not edited into another one."""

    model = SupplierMember
    extra = 0
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False


class SupplierAdminForm(SupplierForm):
    """The profile form's validation (registration number by country) plus the slug."""

    class Meta(SupplierForm.Meta):
        fields = ["name", "slug", "registration_number", "country", "website", "size"]


@admin.register(Supplier)
class SupplierAdmin(AuditTrailMixin, admin.ModelAdmin):
    form = SupplierAdminForm
    list_display = ("name", "country", "size", "registration_number")
    list_filter = ("country", "size")
    search_fields = ("name", "registration_number")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("audit_trail",)
    inlines = [SupplierMemberInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        innovation_supplier_size_sync(supplier=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not SupplierMember:
            return super().save_formset(request, form, formset, change)
        members = formset.save(commit=False)
        for member in formset.deleted_objects:
            supplier_member_remove(member=member, actor=request.user)
        for member in members:
            if member.pk is None:
                supplier_member_add(supplier=form.instance, user=member.user, actor=request.user)
        return None


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = readonly_fields = ("created_at", "from_status", "to_status", "actor", "reason")


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = readonly_fields = (
        "created_at",
        "reviewer",
        "decision",
        "novelty",
        "evidence",
        "public_value",
        "fit",
        "feedback",
        "internal_note",
    )


@admin.register(Innovation)
class InnovationAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("title", "supplier", "status", "maturity", "route", "submitted_at")
    list_filter = ("status", "reconfirmation", "route", "domains")
    search_fields = ("title", "summary", "supplier__name")
    list_select_related = ("supplier",)
    readonly_fields = ("portal_pages", "audit_trail")
    inlines = [ReviewInline, StatusChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # History is kept: an innovation is withdrawn on the portal, never deleted.
        return False

    @admin.display(description=_("on the portal"))
    def portal_pages(self, obj):
        try:
            manage = reverse("innovations:manage", args=[obj.pk])
            review = reverse("review:detail", args=[obj.pk])
        except NoReverseMatch:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            manage,
            _("edit, submit or withdraw"),
            review,
            _("review"),
        )


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("innovation", "reviewer", "decision", "created_at")
    list_filter = ("decision",)
    list_select_related = ("innovation", "reviewer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A review is part of the innovation's history, which is kept.
        return False
