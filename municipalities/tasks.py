"""Thin Celery tasks: load the row (quietly done if it is gone), call a service."""

from celery import shared_task

from audit.outbox import mail_once

from . import notifications
from .models import Adoption, AdoptionChange, ChallengeResponse


@shared_task(name="municipalities.mail_adoption_decision")
def mail_adoption_decision(
    *, adoption_id: int, change_id: int | None = None, mail_id: int | None = None
) -> None:
    with mail_once(mail_id) as due:
        adoption = (
            Adoption.objects.select_related("claimed_by", "innovation", "municipality")
            .filter(pk=adoption_id)
            .first()
        )
        change = None
        if change_id is not None:
            change = (
                AdoptionChange.objects.select_related("claimed_by").filter(pk=change_id).first()
            )
            if change is None:
                return  # withdrawn with its adoption: nothing to tell
        if due and adoption is not None:
            notifications.adoption_decision_notify(adoption=adoption, change=change)


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
