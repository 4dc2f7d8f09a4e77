"""The published boards the benchmark's pages show: the current one, of the reference date,
and the one of a month earlier before it, as the nightly runs leave them. A scorecard then
says why the municipality moved (ranking.movement): every adoption compared with the
previous board, the adoptions started or promoted since then counted as added or changed
stage. Without an earlier board (all runs of one reference date) that comparison was never
measured."""

import datetime

from .generate import REFERENCE_DATE

# The previous board: a month before the reference date, so that the adoptions that started
# or reached a stage in that month are in effect on the current board only.
PREVIOUS_REFERENCE_DATE = REFERENCE_DATE - datetime.timedelta(days=31)


def ensure(log=print) -> None:
    """Publish the earlier board and then a current one, unless the current board is
    already of the reference date with the earlier one as its previous board. (The
    recompute rounds publish boards of the reference date too; each gets the earlier board
    as its previous one.)"""
    from ranking.models import RankingRun
    from ranking.services import ranking_recompute

    current = RankingRun.objects.current().select_related("previous_run").first()
    if (
        current is not None
        and current.reference_date == REFERENCE_DATE
        and current.previous_run is not None
        and current.previous_run.reference_date == PREVIOUS_REFERENCE_DATE
    ):
        return
    if not RankingRun.objects.published().filter(reference_date=PREVIOUS_REFERENCE_DATE).exists():
        log(f"Publishing the previous board ({PREVIOUS_REFERENCE_DATE.isoformat()})")
        ranking_recompute(trigger="command", reference_date=PREVIOUS_REFERENCE_DATE)
    log(f"Publishing the current board ({REFERENCE_DATE.isoformat()})")
    ranking_recompute(trigger="command", reference_date=REFERENCE_DATE)
