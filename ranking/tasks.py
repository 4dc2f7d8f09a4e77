"""Celery tasks of the ranking app: thin, keyword-only primitives, the work in services.py."""

import logging

from celery import shared_task
from django.db import OperationalError

from .models import RunTrigger
from .services import RankingBusy, ranking_recompute

logger = logging.getLogger(__name__)

# The service's lease (services.LEASE, 20 minutes) outlasts the hard limit, so a run that
# is still alive never loses it; a killed one gives it up when the lease expires.
SOFT_TIME_LIMIT = 10 * 60
TIME_LIMIT = 15 * 60


@shared_task(
    bind=True,
    name="ranking.recompute",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    # A lost connection or a locked SQLite file: try again a little later. The failed
    # attempt is recorded as a failed run; the published board is untouched.
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=3,
)
def recompute(self, *, trigger: str = RunTrigger.NIGHTLY, user_id: int | None = None) -> int | None:
    """Compute and publish a new leaderboard (nightly at 03:00, see CELERY_BEAT_SCHEDULE).
    Returns the id of the published run, or None if another run was in progress.

    Safe to deliver twice: the task's id keys its run (see ranking_recompute)."""
    try:
        run = ranking_recompute(
            trigger=trigger,
            started_by_id=user_id,
            task_id=self.request.id or "",
            once_per_date=trigger == RunTrigger.NIGHTLY,
        )
    except RankingBusy:
        logger.info("ranking.recompute skipped: another run is in progress")
        return None
    return run.pk
