"""Enqueueing Celery tasks after commit without losing the user's action, and sending each
mail exactly once.

- `enqueue_on_commit(task, **kwargs)`: after the transaction commits, send the task to the
  broker; if the broker is down, log it on `koploper.tasks` (the committed change stays).
- `mail_on_commit(task, **kwargs)`: the same for a task that sends a mail, with an
  `OutgoingMail` row written in the caller's transaction; the task gets its id as
  `mail_id` and sends inside `mail_once(mail_id)`.
- `mail_once(mail_id)`: locks the row, yields whether the mail is still due, and marks it
  sent when the block completes. A second delivery of the same task (a worker killed after
  sending, before acknowledging) waits for the lock and then finds it sent.
- `send_pending_mails()`: runs, in this process, the tasks of mails that are still due a
  while after they were written (never enqueued, or failed); beat does it every ten
  minutes, `manage.py send_pending_mails` by hand.

A worker killed after sending but before its transaction commits still sends twice: SMTP
is not transactional. That window is the sending itself; the rest is covered."""

import contextlib
import datetime
import logging
from collections.abc import Iterator

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger("koploper.tasks")

# A mail younger than this may still be on its way through the broker.
PENDING_AFTER = datetime.timedelta(minutes=2)


def enqueue_on_commit(task, **kwargs) -> None:
    """Enqueue `task` with `kwargs` once the current transaction commits. A broker that
    cannot be reached is logged, not raised: the user's committed action is kept."""

    def enqueue():
        try:
            task.delay(**kwargs)
        except Exception:
            logger.exception("could not enqueue task %s with %s", task.name, kwargs)

    transaction.on_commit(enqueue)


def mail_on_commit(task, **kwargs) -> OutgoingMail:
    """Record a mail as due (in the current transaction) and enqueue `task`, which sends it,
    after commit with `mail_id` added to `kwargs`."""
    mail = OutgoingMail.objects.create(task=task.name, kwargs=kwargs)
    enqueue_on_commit(task, **kwargs, mail_id=mail.pk)
    return mail


@contextlib.contextmanager
def mail_once(mail_id: int | None) -> Iterator[bool]:
    """Around the sending of one mail: yields True if it is still due, and marks it sent
    when the block completes without an error. Without a `mail_id` (a task enqueued
    before the outbox existed) the mail is simply sent."""
    if mail_id is None:
        yield True
        return
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.sent_at is not None:
            yield False
            return
        yield True
        mail.sent_at = timezone.now()
        mail.save(update_fields=["sent_at"])


def send_pending_mails(*, older_than: datetime.timedelta = PENDING_AFTER) -> tuple[int, int]:
    """Run the task of every mail still due that was written before `older_than` ago, in
    this process. Returns (done, failed); a failure is logged and stays due."""
    current_app.loader.import_default_modules()  # every app's tasks.py, as a worker does
    done = failed = 0
    due = OutgoingMail.objects.filter(
        sent_at__isnull=True, created_at__lt=timezone.now() - older_than
    ).order_by("pk")
    for mail in due.iterator():
        try:
            task = current_app.tasks[mail.task]
            task(**mail.kwargs, mail_id=mail.pk)
        except Exception:
            logger.exception("pending mail %s (%s) failed", mail.pk, mail.task)
            failed += 1
        else:
            done += 1
    return done, failed
