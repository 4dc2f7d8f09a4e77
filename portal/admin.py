from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from audit.admin import AuditTrailMixin

from .models import User
from .services import user_access, user_access_record


@admin.register(User)
class UserAdmin(AuditTrailMixin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("language", "audit_trail")}),)
    readonly_fields = ("audit_trail",)
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "language")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Flags are saved by save_model, groups and permissions by save_related: compare
        # the access before and after both, in one transaction, and record the difference.
        with transaction.atomic():
            before = None
            if request.method == "POST" and object_id:
                user = self.get_object(request, object_id)
                before = user_access(user) if user is not None else None
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if before is not None:
                user = User.objects.get(pk=user.pk)
                user_access_record(user=user, before=before, actor=request.user)
        return response
