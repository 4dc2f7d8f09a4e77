"""The Celery worker of the kill tests (`celery -A tests.reliability.worker worker`): the
portal's own app and tasks, plus what a test needs to kill it at a known moment.

KOPLOPER_TEST_DIR names a directory shared with the test:
- mails are written there by Django's file-based backend (`mail/`), so the test counts
  what every worker process sent;
- while a file `pause-<point>` exists, a worker reaching <point> writes
  `paused-<point>-<pid>` and waits: `ranking` is inside a ranking run (after it started,
  before its entries are written), `done` is after any task returned but before the broker
  is told (acks_late): a kill there makes the broker deliver the task again;
- `done-<task id>-<pid>` marks every task a worker finished.
Unacknowledged tasks are delivered again after 5 seconds instead of an hour."""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from celery.signals import task_postrun  # noqa: E402
from django.conf import settings  # noqa: E402

import ranking.services  # noqa: E402
from portal.celery import app  # noqa: E402

DIR = Path(os.environ["KOPLOPER_TEST_DIR"])
settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
settings.EMAIL_FILE_PATH = str(DIR / "mail")
app.conf.broker_transport_options = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def pause(point: str) -> None:
    if not (DIR / f"pause-{point}").exists():
        return
    (DIR / f"paused-{point}-{os.getpid()}").touch()
    while (DIR / f"pause-{point}").exists():
        time.sleep(0.05)


_rank_municipalities = ranking.services._rank_municipalities


def _paused_rank_municipalities(*args, **kwargs):
    pause("ranking")
    return _rank_municipalities(*args, **kwargs)


ranking.services._rank_municipalities = _paused_rank_municipalities


@task_postrun.connect
def _after_task(task_id=None, **kwargs):
    (DIR / f"done-{task_id}-{os.getpid()}").touch()
    pause("done")
