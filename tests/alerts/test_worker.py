"""Idempotent sending on a real Celery worker over Redis: the alerts' beat tasks sent twice,
a send task delivered again (as after a worker killed before it acknowledged), a run killed
before it committed, and the outbox's sweep afterwards: every mail arrives exactly once."""

import datetime
import time

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from alerts import mails, notifications, searches
from alerts.enums import Kind
from alerts.models import SavedSearch
from alerts.tasks import send_digest
from audit.models import OutgoingMail
from audit.outbox import send_pending_mails
from innovations.models import StatusChange
from portal.celery import app as celery_app

from .conftest import draft, publish

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class Killed(Exception):
    """Stands in for the worker's process dying inside the task's transaction."""


def _drain(seconds: float = 30) -> None:
    """Wait until the worker has taken and acknowledged every message of the broker (the
    default queue empty, nothing unacknowledged): every task sent so far has finished."""
    broker = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if broker.llen("celery") == 0 and broker.hlen("unacked") == 0:
            time.sleep(0.3)  # a message between the queue and the unacked hash
            if broker.llen("celery") == 0 and broker.hlen("unacked") == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the worker did not finish its tasks in time")


def _due_search(user) -> SavedSearch:
    search = searches.saved_search_create(
        user=user, query=QueryDict("domain=energy"), frequency="daily"
    )
    SavedSearch.objects.filter(pk=search.pk).update(
        digest_until=timezone.now() - datetime.timedelta(days=1)
    )
    return search


def test_digests_and_notification_mails_are_sent_once_however_often_they_run(
    celery_worker_real, buyer, supplier, reviewer, innovation
):
    _due_search(buyer)
    publish(draft(supplier, title="Zonnedak", domains=["energy"]), reviewer)
    # Approved ten minutes ago: outside the five minutes a digest leaves to settle.
    StatusChange.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))

    # A run killed before it committed records nothing and sends nothing.
    with pytest.raises(Killed), transaction.atomic():
        assert mails.digests_make() == 1
        raise Killed
    assert (OutgoingMail.objects.count(), mail.outbox) == (0, [])

    # Beat sends the task by name; twice (a second beat, or a retry) changes nothing.
    celery_app.send_task("alerts.make_digests")
    celery_app.send_task("alerts.make_digests")
    _drain()

    [digest] = OutgoingMail.objects.all()
    assert digest.sent_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["inkoper@example.org"], "Koploper: 1 new for “Energy”")
    ]

    # The send task delivered again (its worker killed after sending, before the ack) and
    # the outbox's sweep of mails still due: nothing twice.
    send_digest.apply_async(kwargs={**digest.kwargs, "mail_id": digest.pk})
    _drain()
    assert send_pending_mails(older_than=datetime.timedelta(0)) == (0, 0)
    assert len(mail.outbox) == 1

    # The daily notification mail: two runs, one mail with both notifications.
    for i in range(2):
        notifications.notify(
            user_ids=[buyer.pk],
            kind=Kind.NEW_ADOPTER,
            key=f"worker-test:{i}",
            innovation=innovation,
            data={"municipality": f"Gemeente {i}", "stage": "pilot"},
        )
    celery_app.send_task("alerts.make_notification_mails")
    celery_app.send_task("alerts.make_notification_mails")
    _drain()

    assert [m.subject for m in mail.outbox] == [
        "Koploper: 1 new for “Energy”",
        "Koploper: 2 new notifications",
    ]
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0
