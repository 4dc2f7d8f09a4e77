"""Signed one-click unsubscribe links (RFC 8058): they work without logging in, expire,
and name what they stop. A link that is damaged, forged or expired changes nothing."""

import datetime

from django.core import signing
from django.urls import reverse

from .models import SavedSearch

SALT = "alerts.unsubscribe"
# Long enough for a mail read after a holiday; an older link gets a clear page instead.
MAX_AGE = datetime.timedelta(days=60)
SEARCH = "search"
NOTIFICATIONS = "notifications"


class InvalidLink(Exception):
    """The link is damaged, forged or expired (`expired`), or what it names is gone."""

    def __init__(self, reason: str, *, expired: bool = False):
        super().__init__(reason)
        self.expired = expired


def _url(value: list) -> str:
    return reverse("alerts:unsubscribe", args=[signing.dumps(value, salt=SALT, compress=True)])


def search_url(saved_search: SavedSearch) -> str:
    """The path that stops the digest of `saved_search` (in the active language)."""
    return _url([SEARCH, saved_search.pk, saved_search.user_id])


def notifications_url(user) -> str:
    """The path that stops the notification mails of `user`."""
    return _url([NOTIFICATIONS, user.pk])


def read(token: str) -> tuple[str, object]:
    """What a link stops: (SEARCH, the saved search) or (NOTIFICATIONS, the user id).
    Raises InvalidLink, expired links included."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvalidLink(str(error), expired=True) from None
    except signing.BadSignature as error:
        raise InvalidLink(str(error)) from None
    if not isinstance(value, list) or not value:
        raise InvalidLink("malformed")
    if value[0] == SEARCH and len(value) == 3:
        saved_search = SavedSearch.objects.filter(pk=value[1], user_id=value[2]).first()
        if saved_search is None:
            raise InvalidLink("gone")
        return SEARCH, saved_search
    if value[0] == NOTIFICATIONS and len(value) == 2 and isinstance(value[1], int):
        return NOTIFICATIONS, value[1]
    raise InvalidLink("malformed")
