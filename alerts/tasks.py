"""Celery tasks of the alerts app: thin, keyword-only primitive arguments; the periodic
ones are in CELERY_BEAT_SCHEDULE (portal/schedule.py) and safe to run twice."""

import datetime

from celery import shared_task

from audit.outbox import mail_once

from . import collect as collector
from . import mails
from .insight import aggregate
from .models import SavedSearch


@shared_task(name="alerts.collect")
def collect() -> int:
    """Turn what happened (the audit log after the watermark) into notifications."""
    return collector.collect()


@shared_task(name="alerts.make_digests")
def make_digests() -> int:
    """Record the due digests of saved searches in the outbox (and so send them)."""
    return mails.digests_make()


@shared_task(name="alerts.make_notification_mails")
def make_notification_mails() -> int:
    """Collect first, then one mail per user with notifications to mail (one a day)."""
    collector.collect()
    return mails.notification_mails_make()


@shared_task(name="alerts.send_digest", acks_late=True)
def send_digest(
    *,
    saved_search_id: int,
    innovation_ids: list[int],
    since: str,
    until: str,
    mail_id: int | None = None,
) -> None:
    with mail_once(mail_id) as due:
        if not due:
            return
        search = SavedSearch.objects.select_related("user").filter(pk=saved_search_id).first()
        if search is None or not search.user.is_active:
            return
        mails.digest_send(
            saved_search=search,
            innovation_ids=innovation_ids,
            since=datetime.datetime.fromisoformat(since),
            until=datetime.datetime.fromisoformat(until),
        )


@shared_task(name="alerts.send_notification_mail", acks_late=True)
def send_notification_mail(
    *, user_id: int, notification_ids: list[int], mail_id: int | None = None
) -> None:
    with mail_once(mail_id) as due:
        if not due:
            return
        user = mails.user_by_id(user_id)
        if user is not None:
            mails.notification_mail_send(user=user, notification_ids=notification_ids)


@shared_task(name="alerts.flush_insight")
def flush_insight() -> int:
    """Write the day's counters (views, comparisons, suggestions) and the other daily
    counts to the database, roll them up per month, prune raw counts past 90 days."""
    return aggregate.insight_flush()
