"""The audit log in the admin: read-only, for administrators. Nobody adds, changes or
deletes an entry here; the other apps' admin pages show an object's own trail."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEntry, OutgoingMail
from .outbox import mail_retry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "object_type", "object_id", "object_repr")
    list_filter = (
        ("actor", admin.RelatedOnlyFieldListFilter),
        "object_type",
        "action",
        "created_at",
    )
    search_fields = ("actor_name", "action", "object_type", "object_id", "object_repr")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    fields = readonly_fields = (
        "created_at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes_table",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("changes"))
    def changes_table(self, obj):
        return _changes_html(obj.changes)


def _changes_html(changes: dict) -> str:
    if not changes:
        return "–"
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
        ((name, _display(old), _display(new)) for name, (old, new) in changes.items()),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("field"),
        _("old"),
        _("new"),
        rows,
    )


def _display(value) -> str:
    return "–" if value is None else str(value)


class AuditTrailMixin:
    """For a ModelAdmin: add "audit_trail" to readonly_fields to show the object's entries."""

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        entries = AuditEntry.objects.for_object(obj)[:100]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    entry.created_at,
                    entry.actor_name or "–",
                    entry.action,
                    _changes_html(entry.changes),
                )
                for entry in entries
            ),
        )
        if not rows:
            return "–"
        return format_html("<table><tbody>{}</tbody></table>", rows)


class MailStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("due", _("due")), ("sent", _("sent")), ("given_up", _("given up"))]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(sent_at__isnull=True, given_up_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "given_up":
            return queryset.given_up()
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what is due, and the mails that gave up after
    MAIL_MAX_ATTEMPTS failures, which an administrator may try again."""

    list_display = ("created_at", "task", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = (MailStateFilter, "task")
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = readonly_fields = (
        "task",
        "kwargs",
        "created_at",
        "state",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
        "given_up_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.sent_at is not None:
            return _("sent")
        if obj.given_up_at is not None:
            return _("given up")
        return _("due")

    @admin.action(description=_("Try the selected mails again"), permissions=["view"])
    def retry(self, request, queryset):
        mails = list(queryset.filter(sent_at__isnull=True))
        for mail in mails:
            mail_retry(mail=mail)
        self.message_user(
            request,
            ngettext(
                "%(count)d mail will be tried again.",
                "%(count)d mails will be tried again.",
                len(mails),
            )
            % {"count": len(mails)},
            messages.SUCCESS,
        )
