"""The two mails of this app, both through the outbox (audit.outbox) in the recipient's
language, both with a signed one-click unsubscribe (RFC 8058):

- the digest of a saved search: what is new or changed in it since the last digest, not
  sent when there is nothing;
- the notification mail: a user's notifications not mailed yet, one mail a day at most.

Deciding that a mail is due and recording it (the outbox row, the digest's new window,
the notifications marked mailed) happen in one transaction with the row locked, so a
run that is killed sends nothing and a run twice finds nothing due; the outbox then
sends each mail once (audit.outbox.mail_once)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from audit.outbox import mail_on_commit
from core.mail import absolute_url, recipient_language, send_templated_mail
from innovations import catalogue

from . import notifications, unsubscribe
from .access import may_save_searches
from .enums import Frequency
from .models import AlertSettings, Notification, SavedSearch
from .searches import describe, matching, new_matches

# The window of a digest ends this long before the run: an approval committed a little
# late (its status change was written before it committed) falls in the next window.
SETTLE = datetime.timedelta(minutes=5)
# A daily digest is due 20 hours after the last one (beat runs it once a day, so one a
# day, and a re-run the same day finds nothing due); a weekly one 7 days less 4 hours.
DUE_AFTER = {
    Frequency.DAILY: datetime.timedelta(hours=20),
    Frequency.WEEKLY: datetime.timedelta(days=7) - datetime.timedelta(hours=4),
}
MAX_LISTED = 50


# --- Digests of saved searches ----------------------------------------------------------------


def due_searches(now: datetime.datetime):
    condition = Q()
    for frequency, after in DUE_AFTER.items():
        condition |= Q(frequency=frequency, digest_until__lte=now - after)
    return SavedSearch.objects.filter(condition)


def digests_make(*, now: datetime.datetime | None = None) -> int:
    """Record the digest of every saved search that is due; returns how many mails."""
    from .tasks import send_digest  # tasks imports this module

    now = now or timezone.now()
    until = now - SETTLE
    made = 0
    for pk in due_searches(now).values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            search = (
                due_searches(now)
                .select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk)
                .first()
            )
            if search is None:
                continue  # taken by another run, or not due any more
            since = search.digest_until
            search.digest_until = until
            search.save(update_fields=["digest_until"])
            if not (search.user.is_active and search.user.email and may_save_searches(search.user)):
                continue
            ids = list(
                new_matches(search, since, until).values_list("pk", flat=True)[: MAX_LISTED + 1]
            )
            if not ids:
                continue  # nothing new: no mail
            mail_on_commit(
                send_digest,
                saved_search_id=search.pk,
                innovation_ids=ids,
                since=since.isoformat(),
                until=until.isoformat(),
            )
            made += 1
    return made


def digest_send(*, saved_search: SavedSearch, innovation_ids: list[int], since, until) -> None:
    """Mail one digest (the outbox decided it is due and sends it once). It lists what the
    search still finds when the mail goes: the catalogue's rule, as when it was collected
    (an innovation withdrawn meanwhile, or whose approval ended, is left out unless the
    search asks for those too)."""
    user = saved_search.user
    found = {
        innovation.pk: innovation
        for innovation in catalogue.for_display(matching(saved_search)).filter(
            pk__in=innovation_ids
        )
    }
    innovations = [found[pk] for pk in innovation_ids if pk in found][:MAX_LISTED]
    if not innovations:
        return  # none is found any more
    with translation.override(recipient_language(user)):
        catalogue_url = reverse("innovations:catalogue")
        context = {
            "search": saved_search,
            "described": describe(saved_search.query),
            "innovations": [
                (
                    innovation,
                    absolute_url(reverse("innovations:detail", args=[innovation.slug])),
                    innovation.published_at is not None and innovation.published_at > since,
                )
                for innovation in innovations
            ],
            "more": len(innovation_ids) > MAX_LISTED,
            "search_url": absolute_url(
                catalogue_url + (f"?{saved_search.query}" if saved_search.query else "")
            ),
            "manage_url": absolute_url(reverse("alerts:searches")),
            "unsubscribe_url": absolute_url(unsubscribe.search_url(saved_search)),
        }
        _send(user, "alerts/email/digest", context)


# --- The daily notification mail ---------------------------------------------------------------


def notification_mails_make(*, today: datetime.date | None = None) -> int:
    """Record one mail per user with notifications to mail, unless they had one today;
    returns how many."""
    from .tasks import send_notification_mail  # tasks imports this module

    today = today or timezone.localdate()
    pending = Notification.objects.filter(mail=True, mailed_at__isnull=True)
    made = 0
    for user_id in pending.values_list("user_id", flat=True).distinct().order_by("user_id"):
        with transaction.atomic():
            row, _created = AlertSettings.objects.get_or_create(user_id=user_id)
            row = AlertSettings.objects.select_for_update().get(pk=row.pk)
            if row.mailed_on == today:
                continue
            ids = list(
                pending.filter(user_id=user_id)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            Notification.objects.filter(pk__in=ids).update(mailed_at=timezone.now())
            row.mailed_on = today
            row.save(update_fields=["mailed_on"])
            mail_on_commit(send_notification_mail, user_id=user_id, notification_ids=ids)
            made += 1
    return made


def notification_mail_send(*, user, notification_ids: list[int]) -> None:
    rows = list(
        notifications.notifications_of(user)
        .filter(pk__in=notification_ids)
        .order_by("created_at", "pk")
    )
    if not rows or not user.email:
        return
    with translation.override(recipient_language(user)):
        context = {
            "items": [
                (notifications.message(row), absolute_url(notifications.link(row))) for row in rows
            ],
            "list_url": absolute_url(reverse("alerts:notifications")),
            "settings_url": absolute_url(reverse("alerts:settings")),
            "unsubscribe_url": absolute_url(unsubscribe.notifications_url(user)),
        }
        _send(user, "alerts/email/notifications", context)


def _send(user, template: str, context: dict) -> None:
    send_templated_mail(
        user=user,
        template=template,
        context=context,
        headers={
            # RFC 2369 and RFC 8058: mail programs offer "unsubscribe" and POST to it.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def user_by_id(user_id: int):
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()
