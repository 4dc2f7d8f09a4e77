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
- A failed attempt is counted on the row (`attempts`, `last_error`) and the next one waits
  MAIL_RETRY_DELAY, doubled after every failure; after MAIL_MAX_ATTEMPTS failures the mail
  gives up (`given_up_at`): the admin lists it, `manage.py health` reports it, and an
  administrator may try it again from the admin.
- `prune_outbox()`: deletes sent and given-up mails after MAIL_RETENTION_DAYS (beat, daily).

A worker killed after sending but before its transaction commits still sends twice: SMTP
is not transactional. That window is the sending itself; the rest is covered."""

import contextlib
import datetime
import logging
from collections.abc import Iterator

from celery import current_app
from django.conf import settings
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
    when the block completes without an error. An error is recorded as a failed attempt
    (after the block's transaction has rolled back) and raised again. Without a `mail_id`
    (a task enqueued before the outbox existed) the mail is simply sent."""
    if mail_id is None:
        yield True
        return
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
            if mail is None or mail.sent_at is not None or mail.given_up_at is not None:
                yield False
                return
            yield True
            mail.sent_at = timezone.now()
            mail.save(update_fields=["sent_at"])
    except Exception as error:
        mail_failed(mail_id, error)
        raise


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failure: MAIL_RETRY_DELAY, doubled each
    time (10 minutes, 20, 40, … by default)."""
    return datetime.timedelta(seconds=settings.MAIL_RETRY_DELAY * 2 ** max(attempts - 1, 0))


def mail_failed(mail_id: int, error: BaseException) -> None:
    """Count a failed attempt of a mail; give up after MAIL_MAX_ATTEMPTS."""
    now = timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.sent_at is not None:
            return
        mail.attempts += 1
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        mail.next_attempt_at = now + retry_delay(mail.attempts)
        fields = ["attempts", "last_error", "next_attempt_at"]
        if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
            mail.given_up_at = now
            fields.append("given_up_at")
            logger.error(
                "mail %s (%s) gave up after %s attempts: %s",
                mail.pk,
                mail.task,
                mail.attempts,
                mail.last_error,
            )
        mail.save(update_fields=fields)


def mail_retry(*, mail: OutgoingMail) -> None:
    """An administrator tries a given-up (or waiting) mail again: due at once, its count
    of attempts started afresh."""
    OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=True).update(
        attempts=0, given_up_at=None, next_attempt_at=timezone.now(), last_error=""
    )


def send_pending_mails(*, older_than: datetime.timedelta = PENDING_AFTER) -> tuple[int, int]:
    """Run the task of every mail that is due and was written before `older_than` ago, in
    this process. Returns (done, failed); a failure is logged and counted on the mail."""
    current_app.loader.import_default_modules()  # every app's tasks.py, as a worker does
    done = failed = 0
    now = timezone.now()
    due = OutgoingMail.objects.due(now).filter(created_at__lt=now - older_than).order_by("pk")
    for mail in due.iterator():
        try:
            task = current_app.tasks[mail.task]
            task(**mail.kwargs, mail_id=mail.pk)
        except Exception as error:
            logger.exception("pending mail %s (%s) failed", mail.pk, mail.task)
            if mail.task not in current_app.tasks:
                mail_failed(mail.pk, error)  # mail_once never ran
            failed += 1
        else:
            done += 1
    return done, failed


def prune_outbox(*, now: datetime.datetime | None = None) -> int:
    """Delete the mails sent, or given up, more than MAIL_RETENTION_DAYS ago; returns how
    many. Mails still due are kept, however old."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MAIL_RETENTION_DAYS)
    sent = OutgoingMail.objects.filter(sent_at__lt=cutoff)
    given_up = OutgoingMail.objects.filter(sent_at__isnull=True, given_up_at__lt=cutoff)
    deleted = sent.delete()[0] + given_up.delete()[0]
    return deleted
