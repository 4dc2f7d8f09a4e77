"""Sign-up that does not tell whether an e-mail address has an account (issue 18, account
enumeration).

Both sign-up forms (supplier and buyer) end in `signup_start`. A free address gets a new
account, inactive and awaiting confirmation, with its organisation or its request to buy;
an address that has an account gets nothing new. Either way the request queues the same
outbox mail (`portal.send_signup_mail` with the address) and the visitor sees the same
"check your mail" page. The mail decides when it is sent: an account awaiting confirmation
gets the link that activates it (again, on a second sign-up: that is how to ask for a new
one); any other account gets "you already have an account", with links to log in and to
reset the password. The password is hashed in both cases, so the expensive step takes the
same time whether or not an account is made."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import audit_record
from core.mail import absolute_url, recipient_language, send_templated_mail

from .services import email_taken, username_taken

CONFIRM_SALT = "koploper.signup.confirm"


def account_exists(email: str) -> bool:
    """An account has this address, or its username is this address (a sign-up's
    username is its address)."""
    return email_taken(email) or username_taken(email)


@transaction.atomic
def signup_start(*, service, account: dict, role: dict) -> bool:
    """Sign up with the validated `account` (username = the e-mail address) and `role`
    (the arguments of `service`: portal.services.supplier_signup or buyer_signup), and
    queue the sign-up mail. Returns whether an account was made, for the security log
    only: the caller's answer must not depend on it. Raises ValidationError when the
    service refuses something else (an organisation's number taken meanwhile)."""
    User = get_user_model()
    email = User.objects.normalize_email(account["email"].strip())
    account = {**account, "email": email, "username": email}
    created = False
    if not account_exists(email):
        try:
            with transaction.atomic():
                service(**account, **role, awaiting_confirmation=True)
            created = True
        except (IntegrityError, ValidationError):
            if not account_exists(email):
                raise  # not the address: the organisation's number, say
            # A sign-up for the same address won the race: answer as for any known address.
    if not created:
        make_password(account["password"])  # the same work as the new account's hash
    from .tasks import send_signup_mail  # the tasks module imports this one

    mail_on_commit(send_signup_mail, email=email, language=account["language"])
    return created


def confirmation_token(user: AbstractBaseUser) -> str:
    """A signed token naming the account and its address; `confirmation_user` takes it for
    SIGNUP_CONFIRM_DAYS days, while the account still awaits confirmation."""
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=CONFIRM_SALT)


def confirmation_user(token: str) -> AbstractBaseUser | None:
    """The account awaiting confirmation that `token` names; None if the token is forged,
    expired or spent."""
    try:
        data = signing.loads(
            token,
            salt=CONFIRM_SALT,
            max_age=datetime.timedelta(days=settings.SIGNUP_CONFIRM_DAYS),
        )
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = get_user_model().objects.filter(pk=data["user"], awaiting_confirmation=True).first()
    if user is None or user.email.lower() != data.get("email"):
        return None
    return user


@transaction.atomic
def signup_confirm(*, user: AbstractBaseUser) -> bool:
    """Activate an account awaiting confirmation (once: a second click, or two at once,
    find it done and return False), recorded in the audit log."""
    updated = (
        get_user_model()
        .objects.filter(pk=user.pk, awaiting_confirmation=True)
        .update(is_active=True, awaiting_confirmation=False)
    )
    if updated:
        audit_record(
            actor=None,
            action="user.confirm",
            obj=user,
            changes={"is_active": [False, True], "awaiting_confirmation": [True, False]},
        )
    return bool(updated)


def signup_mail_send(*, email: str, language: str) -> None:
    """The sign-up mail for `email` (from the outbox's task): the confirmation link to an
    account awaiting confirmation, "your account is closed" to one an administrator
    deactivated, else "you already have an account". Nothing if no
    account has the address (none was made: the sign-up failed after queueing)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.awaiting_confirmation:
        # Before the token is signed: the cleanup counts the link's days from here.
        User.objects.filter(pk=user.pk).update(confirmation_sent_at=timezone.now())
        with translation.override(recipient_language(user)):
            url = absolute_url(reverse("signup_confirm", args=[confirmation_token(user)]))
        send_templated_mail(
            user=user,
            template="emails/signup_confirm",
            context={"url": url, "days": settings.SIGNUP_CONFIRM_DAYS},
        )
        return
    if user is None:
        if not username_taken(email):
            return
        # Another account's username is this address: write to the address, not to it.
        user = User(username=email, email=email, language=language)
    elif not user.is_active:
        # Closed by an administrator: logging in or a new password would not work.
        send_templated_mail(
            user=user,
            template="emails/signup_closed",
            context={"contact": settings.KOPLOPER_CONTACT_EMAIL},
        )
        return
    with translation.override(recipient_language(user)):
        context = {
            "login_url": absolute_url(reverse("login")),
            "reset_url": absolute_url(reverse("password_reset")),
        }
    send_templated_mail(user=user, template="emails/signup_exists", context=context)


def signup_limited_message() -> str:
    return _("Too many sign-ups from here or for this address. Try again in an hour.")
