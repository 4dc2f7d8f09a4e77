"""Thin Celery tasks of the support desk: load the rows (quietly done if gone), call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from audit.outbox import mail_once
from municipalities.models import Adoption

from .desk import question_notify
from .models import Question
from .scaleup import pilot_reminder_notify, pilot_reminders_send


@shared_task(name="procurement.send_question_mail", acks_late=True)
def send_question_mail(*, question_id: int, user_id: int, mail_id: int | None = None) -> None:
    """Mail one recipient about one question (asked, or answered), once."""
    with mail_once(mail_id) as due:
        if not due:
            return
        question = (
            Question.objects.select_related("innovation", "challenge", "route", "asker")
            .filter(pk=question_id)
            .first()
        )
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if question is None or user is None:
            return
        question_notify(question=question, user=user)


@shared_task(name="procurement.remind_pilots")
def remind_pilots() -> int:
    """Daily (beat): remind the buyers of pilots due for a decision, at most once per period."""
    return pilot_reminders_send()


@shared_task(name="procurement.send_pilot_reminder", acks_late=True)
def send_pilot_reminder(*, adoption_id: int, user_id: int, mail_id: int | None = None) -> None:
    """Mail one buyer that a pilot is due for a decision, once."""
    with mail_once(mail_id) as due:
        if not due:
            return
        adoption = (
            Adoption.objects.select_related("municipality", "innovation")
            .filter(pk=adoption_id)
            .first()
        )
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if adoption is None or user is None:
            return
        pilot_reminder_notify(adoption=adoption, user=user)
