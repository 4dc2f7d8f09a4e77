"""API tokens and their lifecycle (`Authorization: Token …`, REST framework's Token model,
one per user).

- A token expires API_TOKEN_DAYS (30 by default) after it was issued; an expired token is
  deleted when it is next used, and answers 401 like a revoked one.
- It is revoked on a password change and a password reset (any save of a new password,
  the admin's and `changepassword` too), by DELETE /api/v1/auth/token and on the account page.
- Every event (issued, expired, revoked and why) goes into the `koploper.security` log,
  with the user and the client address, never the token."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

# The security log's (portal.security); not imported from there, because REST framework
# imports this module while it loads its settings, before portal.security can be.
logger = logging.getLogger("koploper.security")

# Why a token ended, as the log says it.
PASSWORD_CHANGED = "password-changed"  # noqa: S105 - a reason, no password  # nosec B105
PASSWORD_RESET = "password-reset"  # noqa: S105 - a reason, no password  # nosec B105
API_DELETE = "api-delete"
ACCOUNT_PAGE = "account-page"


def expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_DAYS)


def is_expired(token: Token) -> bool:
    return timezone.now() >= expires_at(token)


def _ip(request) -> str:
    from .security import client_ip

    return client_ip(request) if request is not None else "-"


def issue(user, request=None) -> Token:
    """The user's token: the current one while it is valid, else a new one."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not is_expired(token):
        return token
    if token is not None:
        token.delete()
    token = Token.objects.create(user=user)
    logger.info(
        "api token issued: user=%s ip=%s expires=%s",
        user.get_username(),
        _ip(request),
        expires_at(token).isoformat(timespec="seconds"),
    )
    return token


def revoke(user, reason: str, request=None) -> bool:
    """End the user's token; False when they had none."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    if deleted:
        logger.info(
            "api token revoked: user=%s ip=%s reason=%s", user.get_username(), _ip(request), reason
        )
    return bool(deleted)


def token_of(user) -> Token | None:
    """The user's token while it is valid (what the account page lists)."""
    token = Token.objects.filter(user=user).first()
    return None if token is None or is_expired(token) else token


class ExpiringTokenAuthentication(TokenAuthentication):
    """REST framework's token authentication; a token past its expiry is deleted and
    refused (401, with WWW-Authenticate: Token)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            logger.info(
                "api token expired: user=%s created=%s",
                user.get_username(),
                token.created.isoformat(timespec="seconds"),
            )
            raise exceptions.AuthenticationFailed(
                _("The token has expired. Ask for a new one at POST /api/v1/auth/token.")
            )
        return user, token


@receiver(pre_save, sender=get_user_model(), dispatch_uid="portal.tokens.password_changed")
def revoke_on_password_change(sender, instance, raw=False, **kwargs):
    """A new password ends the token, wherever it was set. The views that set one revoke it
    first themselves, with their own reason (password change or reset); this catches the
    rest (admin, management commands). set_password() keeps the new raw password in
    `_password` until the save."""
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    revoke(instance, PASSWORD_CHANGED)
