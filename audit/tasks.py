"""Celery tasks of the audit app."""

from celery import shared_task

from .outbox import prune_outbox as prune_outbox_now
from .outbox import send_pending_mails as send_pending_mails_now


@shared_task(name="audit.send_pending_mails")
def send_pending_mails() -> int:
    """Send the mails still due (every ten minutes, see CELERY_BEAT_SCHEDULE)."""
    done, _failed = send_pending_mails_now()
    return done


@shared_task(name="audit.prune_outbox")
def prune_outbox() -> int:
    """Delete sent and given-up mails past their retention (daily, CELERY_BEAT_SCHEDULE)."""
    return prune_outbox_now()
