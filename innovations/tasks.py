"""Celery tasks of the innovations app: thin, keyword-only ids, the work in notifications.py."""

from celery import shared_task
from django.contrib.auth import get_user_model

from audit.outbox import mail_once

from . import vetting
from .models import Innovation, StatusChange
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


@shared_task(name="innovations.expire_approvals")
def expire_approvals() -> tuple[int, int]:
    """Daily (beat): remind suppliers of approvals that end soon; mark ended ones to be
    reconfirmed."""
    return vetting.approvals_expire()


@shared_task(name="innovations.send_approval_reminder", acks_late=True)
def send_approval_reminder(*, innovation_id: int, user_id: int, mail_id: int | None = None) -> None:
    """Mail one member of the supplier that the approval ends soon, once."""
    with mail_once(mail_id) as due:
        if not due:
            return
        innovation = Innovation.objects.filter(pk=innovation_id).first()
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if innovation is None or user is None:
            return
        vetting.approval_reminder_notify(innovation=innovation, user=user)


@shared_task(name="innovations.send_vetting_mail", acks_late=True)
def send_vetting_mail(*, status_change_id: int, user_id: int, mail_id: int | None = None) -> None:
    """Mail one recipient about one step of a reconfirmation, once."""
    with mail_once(mail_id) as due:
        if not due:
            return
        change = (
            StatusChange.objects.select_related("innovation__supplier")
            .filter(pk=status_change_id)
            .first()
        )
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if change is None or user is None:
            return
        vetting.vetting_change_notify(status_change=change, user=user)
