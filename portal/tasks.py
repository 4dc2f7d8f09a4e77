"""Thin Celery tasks of the accounts: the mails, sent once through the outbox."""

from celery import shared_task

from audit.outbox import mail_once

from .services import password_reset_send
from .signup import signup_mail_send
from .signup_cleanup import expired_signups_remove


@shared_task(name="portal.send_password_reset", acks_late=True)
def send_password_reset(*, email: str, mail_id: int | None = None) -> None:
    """Mail the reset link to the accounts of `email`, if there are any, once. The request
    only queued this, the same for a known and an unknown address: its answer and its
    timing tell nothing."""
    with mail_once(mail_id) as due:
        if due:
            password_reset_send(email=email)


@shared_task(name="portal.send_signup_mail", acks_late=True)
def send_signup_mail(*, email: str, language: str, mail_id: int | None = None) -> None:
    """The sign-up mail to `email`, once: the confirmation link to a new account, or "you
    already have an account" (portal.signup). The request queued the same task either way."""
    with mail_once(mail_id) as due:
        if due:
            signup_mail_send(email=email, language=language)


@shared_task(name="portal.remove_expired_signups")
def remove_expired_signups() -> tuple[int, int]:
    """Daily (beat): remove the sign-ups whose confirmation link expired unused, with the
    organisation or request only they made (portal.signup_cleanup). Returns (removed, kept)."""
    return expired_signups_remove()
