"""The login's authentication backend."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

AWAITING_CONFIRMATION = "koploper_awaiting_confirmation"


class EmailOrUsernameBackend(ModelBackend):
    """Django's ModelBackend, finding the account by its username or else by its e-mail
    address (ignoring case): a sign-up's username is its address, and older accounts with
    another username log in with either.

    The right password for an account that awaits confirmation (portal.signup) still fails,
    but marks the request, so that the login page can say why: only to whoever knows the
    password, so it tells no more than the sign-up did."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        candidates = list(
            User._default_manager.filter(Q(username=username) | Q(email__iexact=username))[:2]
        )
        # A username match first: another account's address can be someone's username.
        candidates.sort(key=lambda user: user.username != username)
        if not candidates:
            # Hash anyway, so an unknown name takes as long as a known one (as ModelBackend).
            User().set_password(password)
            return None
        user = candidates[0]
        if not user.check_password(password):
            return None
        if self.user_can_authenticate(user):
            return user
        if user.awaiting_confirmation and request is not None:
            setattr(request, AWAITING_CONFIRMATION, True)
        return None
