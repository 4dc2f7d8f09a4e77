"""The append-only audit log: who changed what, when, from which value to which.

The lowest app of the project: it imports no other project app, so every app's services
can write to it in the same transaction as the change itself. The object is named by its
model label and primary key rather than a foreign key, so that an entry outlives the
object, and the actor is a foreign key without a database constraint (plus the username
at the time), so that deleting an account neither deletes nor rewrites its entries."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    def for_object(self, obj: models.Model) -> "AuditEntryQuerySet":
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The username when the entry was written; empty for the system (commands, tasks).
    actor_name = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # {field: [old, new]}; old is null for a new object, new is null for a removed one.
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        # Append-only: a row is written once. (PostgreSQL also refuses it, by a trigger.)
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Neither sent nor given up, and its next attempt has come."""
        return self.filter(
            sent_at__isnull=True,
            given_up_at__isnull=True,
            next_attempt_at__lte=now or timezone.now(),
        )

    def given_up(self):
        return self.filter(sent_at__isnull=True, given_up_at__isnull=False)


class OutgoingMail(models.Model):
    """A mail that is due: written in the transaction of the change it is about, marked sent
    by the task that sends it (audit.outbox). A task delivered twice (a worker killed
    before it acknowledged) finds it sent; a task that was never enqueued (the broker was
    down) leaves it due for `send_pending_mails`. A failed attempt is counted and the next
    one waits longer each time; after MAIL_MAX_ATTEMPTS the mail gives up (shown in the
    admin and by `manage.py health`). Sent and given-up mails are deleted after
    MAIL_RETENTION_DAYS (`prune_outbox`)."""

    task = models.CharField(_("task"), max_length=100)
    kwargs = models.JSONField(_("arguments"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Sent, or nothing to send (the object was gone): the task is done either way.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    given_up_at = models.DateTimeField(_("given up at"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="audit_mail_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.task} {self.kwargs}"
