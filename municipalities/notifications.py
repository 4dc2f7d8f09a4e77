"""Notifications of adoptions and challenges, sent by Celery tasks after commit."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import translation

from core.mail import absolute_url, recipient_language, send_templated_mail

from .enums import Verification
from .models import Adoption, AdoptionChange, ChallengeResponse


def _send_mail(*, user: AbstractBaseUser, template: str, url_name: str, args, context) -> None:
    """Mail `user` <template>, with `url` the absolute address of the page it is about."""
    with translation.override(recipient_language(user)):
        url = absolute_url(reverse(url_name, args=args))
        send_templated_mail(user=user, template=template, context={**context, "url": url})


def adoption_decision_notify(*, adoption: Adoption, change: AdoptionChange | None = None) -> None:
    """Tell whoever made the claim what the reviewer decided: on the adoption itself, or on
    `change`, a claimed change of the verified adoption."""
    if change is not None:
        recipient, decided = change.claimed_by, change.status != Verification.CLAIMED
    else:
        recipient, decided = adoption.claimed_by, adoption.verification != Verification.CLAIMED
    if recipient is None or not decided:
        return
    _send_mail(
        user=recipient,
        template="municipalities/email/adoption_decision",
        url_name="municipalities:adoption_detail",
        args=[adoption.pk],
        context={
            "adoption": adoption,
            "change": change,
            "note": change.note if change is not None else adoption.verification_note,
        },
    )


def challenge_response_notify(*, response: ChallengeResponse) -> None:
    """Tell the buyer who posted the challenge that a supplier answered it."""
    if response.challenge.created_by is None:
        return
    _send_mail(
        user=response.challenge.created_by,
        template="municipalities/email/challenge_response",
        url_name="municipalities:challenge_detail",
        args=[response.challenge_id],
        context={"response": response, "challenge": response.challenge},
    )
