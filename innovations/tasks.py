"""Celery tasks of the innovations app: thin, keyword-only ids, the work in notifications.py."""

from celery import shared_task
from django.contrib.auth import get_user_model

from audit.outbox import mail_once

from .models import StatusChange
from .notifications import status_change_notify


@shared_task(name="innovations.send_status_mail", acks_late=True)
def send_status_mail(*, status_change_id: int, user_id: int, mail_id: int | None = None) -> None:
    """Mail one recipient about one status change (a submission or a decision), once."""
    with mail_once(mail_id) as due:
        if not due:
            return  # sent already: this is a second delivery of the task
        change = (
            StatusChange.objects.select_related("innovation__supplier")
            .filter(pk=status_change_id)
            .first()
        )
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if change is None or user is None:
            return  # deleted meanwhile: nothing to tell
        status_change_notify(status_change=change, user=user)
