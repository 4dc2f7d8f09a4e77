"""Demo data of this app, called last by `manage.py seed_demo` (idempotent).

Computes the board from the demo adoptions. So that the demo shows rank movement, it
first computes a board for a reference date 30 days ago (adoptions started since then
are left out, and recency is measured to that date; stages are today's), once: a second
seed_demo finds it and only recomputes today's board, which on unchanged data is the
same board."""

import datetime

from django.utils import timezone

from .models import RankingRun, RunTrigger
from .services import RankingBusy, ranking_recompute

EARLIER_BOARD_DAYS = 30


def seed(stdout=None) -> None:
    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    today = timezone.localdate()
    try:
        if not RankingRun.objects.published().filter(reference_date__lt=today).exists():
            earlier = ranking_recompute(
                trigger=RunTrigger.DEMO,
                reference_date=today - datetime.timedelta(days=EARLIER_BOARD_DAYS),
            )
            say(f"Ranking: earlier board (run #{earlier.pk}) of {earlier.reference_date}.")
        run = ranking_recompute(trigger=RunTrigger.DEMO, reference_date=today)
    except RankingBusy:
        say("Ranking: another run is in progress; the board will follow from it.")
        return
    say(f"Ranking: run #{run.pk} published, {run.entry_count} municipalities on the board.")
