"""Notifications of adoptions and challenges, sent by Celery tasks after commit."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .enums import Verification
from .models import Adoption, AdoptionChange, ChallengeResponse


def _absolute(path: str) -> str:
    return getattr(settings, "KOPLOPER_BASE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _send_mail(*, user: AbstractBaseUser, template: str, url_name: str, args, context) -> None:
    """Mail `user` in their own language: <template>_subject.txt, <template>.txt and
    <template>.html, with `url` the absolute address of the page it is about."""
    if not user.email:
        return
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        context = {**context, "recipient": user, "url": _absolute(reverse(url_name, args=args))}
        # Plain text (the subject template does not escape); escaped where HTML shows it.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


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
