"""Demo data of this app, called last by `manage.py seed_demo` (idempotent).

Computes the board from the demo adoptions. So that the demo shows rank movement, it
first computes, once, an earlier board: for a reference date at least 30 days ago and
before the five most recent verified adoptions started, so that those are left out of it
(recency is measured to that date; stages are today's, as for any board computed for a
past date). A second seed_demo finds that board and only recomputes today's, which on
unchanged data is the same board."""

import datetime

from django.utils import timezone

from municipalities.models import Adoption

from .models import RankingRun, RunTrigger
from .services import RankingBusy, ranking_recompute

EARLIER_BOARD_DAYS = 30
LEFT_OUT_OF_EARLIER_BOARD = 5


def earlier_reference_date(today: datetime.date) -> datetime.date:
    latest = today - datetime.timedelta(days=EARLIER_BOARD_DAYS)
    starts = list(
        Adoption.objects.verified()
        .order_by("-started_on")
        .values_list("started_on", flat=True)[:LEFT_OUT_OF_EARLIER_BOARD]
    )
    if len(starts) == LEFT_OUT_OF_EARLIER_BOARD:
        return min(latest, starts[-1] - datetime.timedelta(days=1))
    return latest


def seed(stdout=None) -> None:
    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    today = timezone.localdate()
    try:
        if not RankingRun.objects.published().filter(reference_date__lt=today).exists():
            earlier = ranking_recompute(
                trigger=RunTrigger.DEMO,
                reference_date=earlier_reference_date(today),
            )
            say(f"Ranking: earlier board (run #{earlier.pk}) of {earlier.reference_date}.")
        run = ranking_recompute(trigger=RunTrigger.DEMO, reference_date=today)
    except RankingBusy:
        say("Ranking: another run is in progress; the board will follow from it.")
        return
    say(f"Ranking: run #{run.pk} published, {run.entry_count} municipalities on the board.")
