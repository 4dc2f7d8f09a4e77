"""Thin Celery tasks: load the row (quietly done if it is gone), call a service."""

from celery import shared_task

from audit.outbox import mail_once

from . import notifications
from .models import Adoption, ChallengeResponse


@shared_task(name="municipalities.mail_adoption_decision")
def mail_adoption_decision(*, adoption_id: int, mail_id: int | None = None) -> None:
    with mail_once(mail_id) as due:
        adoption = (
            Adoption.objects.select_related("claimed_by", "innovation", "municipality")
            .filter(pk=adoption_id)
            .first()
        )
        if due and adoption is not None:
            notifications.adoption_decision_notify(adoption=adoption)


@shared_task(name="municipalities.mail_challenge_response")
def mail_challenge_response(*, response_id: int, mail_id: int | None = None) -> None:
    with mail_once(mail_id) as due:
        response = (
            ChallengeResponse.objects.select_related(
                "challenge__created_by", "challenge__municipality", "innovation__supplier"
            )
            .filter(pk=response_id)
            .first()
        )
        if due and response is not None:
            notifications.challenge_response_notify(response=response)
