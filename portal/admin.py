from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditTrailMixin

from .models import User
from .services import adviser_grant, adviser_revoke, user_access, user_access_record


@admin.register(User)
class UserAdmin(AuditTrailMixin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            None,
            {
                "fields": (
                    "language",
                    "awaiting_confirmation",
                    "confirmation_sent_at",
                    "audit_trail",
                )
            },
        ),
    )
    # Set by sign-up, cleared by the mailed link (portal.signup); not the admin's to change.
    # An account whose last link expired unused is removed (portal.signup_cleanup).
    readonly_fields = ("awaiting_confirmation", "confirmation_sent_at", "audit_trail")
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "language")
    actions = ["grant_adviser", "revoke_adviser"]

    @admin.action(description=_("Grant the adviser permission (support desk)"))
    def grant_adviser(self, request, queryset):
        for user in queryset:
            adviser_grant(user=user, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(n)d user is an adviser now.", "%(n)d users are advisers now.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Revoke the adviser permission"))
    def revoke_adviser(self, request, queryset):
        for user in queryset:
            adviser_revoke(user=user, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(n)d user is no adviser any more.", "%(n)d users are no advisers any more.", count
            )
            % {"n": count},
            messages.SUCCESS,
        )

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
