"""Celery tasks of the audit app."""

from celery import shared_task

from .outbox import send_pending_mails as send_pending_mails_now


@shared_task(name="audit.send_pending_mails")
def send_pending_mails() -> int:
    """Send the mails still due (every ten minutes, see CELERY_BEAT_SCHEDULE)."""
    done, _failed = send_pending_mails_now()
    return done
