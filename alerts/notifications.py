"""Notifications: made by the collector (collect.py), listed on the portal, counted in the
header, mailed once a day at most (mails.py), each kind on the channel the user chose."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from innovations.enums import Domain
from municipalities.enums import ResponseStatus, Stage

from .enums import DEFAULT_CHANNELS, Channel, Kind
from .models import AlertSettings, Notification

UNREAD_KEY = "alerts:unread:{}"
# Kept exact by whoever changes the count (notify, mark read), so a day is only the bound
# on how long a lost update could show.
UNREAD_SECONDS = 24 * 60 * 60


# --- Settings ----------------------------------------------------------------------------------


def channels_of(settings_row: AlertSettings | None) -> dict[str, str]:
    """Every kind's channel for a user: their choice, or the default."""
    chosen = settings_row.channels if settings_row is not None else {}
    return {
        kind: chosen.get(kind) if chosen.get(kind) in Channel.values else DEFAULT_CHANNELS[kind]
        for kind in Kind.values
    }


def channels_for(user: AbstractBaseUser) -> dict[str, str]:
    return channels_of(AlertSettings.objects.filter(user=user).first())


def alert_settings_update(*, user: AbstractBaseUser, channels: dict[str, str]) -> AlertSettings:
    """Set the channel of one or more kinds of notification."""
    errors = {}
    for kind, channel in channels.items():
        if kind not in Kind.values:
            errors[str(kind)[:40]] = _("Not a kind of notification.")
        elif channel not in Channel.values:
            errors[kind] = _("Choose one of: %(values)s.") % {"values": ", ".join(Channel.values)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = AlertSettings.objects.select_for_update().get_or_create(user=user)
        row.channels = {**row.channels, **channels}
        row.save(update_fields=["channels"])
    return row


def mails_off(*, user_id: int) -> bool:
    """Every kind that was mailed goes to the portal only (the notification mail's
    one-click unsubscribe). Returns False when nothing was mailed anyway."""
    with transaction.atomic():
        row, _created = AlertSettings.objects.select_for_update().get_or_create(user_id=user_id)
        current = channels_of(row)
        mailed = {
            kind: Channel.PORTAL for kind, channel in current.items() if channel == Channel.MAIL
        }
        if not mailed:
            return False
        row.channels = {**row.channels, **mailed}
        row.save(update_fields=["channels"])
        Notification.objects.filter(user_id=user_id, mailed_at__isnull=True).update(mail=False)
    return True


# --- Making them ------------------------------------------------------------------------------


def notify(
    *,
    user_ids: Iterable[int],
    kind: str,
    key: str,
    innovation=None,
    challenge=None,
    data: dict | None = None,
    created_at=None,
) -> int:
    """Tell each user in `user_ids` of one event, on the channel they chose for `kind`
    ("off": not at all). `key` names the event: a user hears of it once, however often
    it is reported. Returns how many notifications are new."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    chosen = {
        row.user_id: channels_of(row)[kind]
        for row in AlertSettings.objects.filter(user_id__in=user_ids)
    }
    rows = []
    for user_id in user_ids:
        channel = chosen.get(user_id, DEFAULT_CHANNELS[kind])
        if channel == Channel.OFF:
            continue
        rows.append(
            Notification(
                user_id=user_id,
                kind=kind,
                key=key,
                innovation=innovation,
                challenge=challenge,
                data=data or {},
                mail=channel == Channel.MAIL,
                created_at=created_at or timezone.now(),
            )
        )
    before = Notification.objects.filter(key=key, user_id__in=user_ids).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    after = Notification.objects.filter(key=key, user_id__in=user_ids).count()
    _refresh_unread([row.user_id for row in rows])
    return after - before


def _refresh_unread(user_ids: Iterable[int]) -> None:
    """After commit, put the users' new unread counts in the cache (one grouped query), so
    that their next page reads the header's count from the cache."""
    ids = sorted(set(user_ids))
    if not ids:
        return

    def refresh():
        counts = dict(
            Notification.objects.filter(user_id__in=ids, read_at__isnull=True)
            .values_list("user_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        cache.set_many({UNREAD_KEY.format(pk): counts.get(pk, 0) for pk in ids}, UNREAD_SECONDS)

    transaction.on_commit(refresh)


# --- Reading them -----------------------------------------------------------------------------


def notifications_of(user: AbstractBaseUser) -> QuerySet[Notification]:
    """The user's notifications, newest first, with what they are about (one query)."""
    return Notification.objects.filter(user=user).select_related(
        "innovation", "challenge__municipality"
    )


def unread_count(user: AbstractBaseUser) -> int:
    """Unread notifications of `user`: from the cache, or one indexed COUNT."""
    if not user.is_authenticated:
        return 0
    key = UNREAD_KEY.format(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications `ids` (all when None) as read. Returns how many."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    count = queryset.update(read_at=timezone.now())
    _refresh_unread([user.pk])
    return count


def notification_mark_unread(*, user: AbstractBaseUser, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, user=user).update(read_at=None)
    _refresh_unread([user.pk])


# --- What they say ----------------------------------------------------------------------------


def _label(enum, value) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


def _date(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    except (TypeError, ValueError):
        return str(value)


def message(notification: Notification) -> str:
    """The notification as one sentence, in the active language."""
    d = {key: value for key, value in notification.data.items() if isinstance(value, str)}
    d.setdefault("innovation", getattr(notification.innovation, "title", ""))
    d.setdefault("challenge", getattr(notification.challenge, "title", ""))
    d.setdefault("municipality", "")
    kind = notification.kind
    if kind == Kind.NEW_ADOPTER:
        return _("%(municipality)s uses %(innovation)s (%(stage)s).") % {
            **d,
            "stage": _label(Stage, d.get("stage", "")).lower(),
        }
    if kind == Kind.STAGE_CHANGE:
        return _("%(municipality)s moved %(innovation)s from %(old)s to %(new)s.") % {
            **d,
            "old": _label(Stage, d.get("old", "")).lower(),
            "new": _label(Stage, d.get("new", "")).lower(),
        }
    if kind == Kind.EVALUATION:
        return _("%(municipality)s published an evaluation of %(innovation)s.") % d
    if kind == Kind.NEW_VERSION:
        return _("A new version of %(innovation)s was approved.") % d
    if kind == Kind.CHALLENGE_DEADLINE:
        return _("The challenge “%(challenge)s” of %(municipality)s closes on %(deadline)s.") % {
            **d,
            "deadline": _date(d.get("deadline", "")),
        }
    if kind == Kind.CHALLENGE_CLOSED:
        return _("%(municipality)s closed the challenge “%(challenge)s”.") % d
    if kind == Kind.NEW_CHALLENGE:
        return _("%(municipality)s posted a challenge in %(domain)s: “%(challenge)s”.") % {
            **d,
            "domain": _label(Domain, d.get("domain", "")).lower(),
        }
    if kind == Kind.RESPONSE_MARKED:
        if d.get("status") == ResponseStatus.INTERESTED:
            return (
                _(
                    "%(municipality)s marked your answer with %(innovation)s to “%(challenge)s” "
                    "as interesting."
                )
                % d
            )
        return (
            _("%(municipality)s declined your answer with %(innovation)s to “%(challenge)s”.") % d
        )
    return str(_label(Kind, kind))


def link(notification: Notification) -> str:
    """The page the notification is about (a path in the active language)."""
    try:
        if notification.challenge_id:
            return reverse("municipalities:challenge_detail", args=[notification.challenge_id])
        if notification.innovation_id:
            return reverse("innovations:detail", args=[notification.innovation.slug])
    except NoReverseMatch:
        pass
    return reverse("alerts:notifications")
