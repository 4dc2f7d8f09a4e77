"""Step: the published leaderboards. One board on the first of each of the last twelve
months (computed at 03:00 that day, as the nightly job would, over what had been
recorded and verified by then) and today's, so that rank movement, the rank history of
a scorecard and the map show change. Runs through ranking_recompute, once per reference
date."""

import datetime

from django.utils import timezone

from ranking.models import RunTrigger
from ranking.services import RankingBusy, ranking_recompute

MONTHS = 12


def _board(reference_date: datetime.date) -> None:
    try:
        ranking_recompute(
            trigger=RunTrigger.DEMO, reference_date=reference_date, once_per_date=True
        )
    except RankingBusy:
        pass  # another run is computing a board; the demo does not wait for it


def month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    """The first day of this month and of the `months - 1` before it, oldest first."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def plan(demo) -> None:
    dates = month_starts(demo.today, 3 if demo.small else MONTHS)
    for day in dates:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(3)))
        if moment < demo.now:
            demo.add(moment, f"board {day}", lambda d=day: _board(d), barrier=True)
    if demo.today not in dates:
        demo.add(demo.now, f"board {demo.today}", lambda: _board(demo.today), barrier=True)
