"""Reads of the ranking: the current board, a municipality's scorecard and rank history."""

from dataclasses import dataclass

from django.db.models import QuerySet

from municipalities.models import Municipality

from .models import RankingContribution, RankingEntry, RankingRun

HISTORY_RUNS = 30


def current_run() -> RankingRun | None:
    return RankingRun.objects.current().first()


def current_run_id() -> int | None:
    return RankingRun.objects.current().values_list("pk", flat=True).first()


def board_entries(
    run: RankingRun,
    *,
    country: str = "",
    province: str = "",
    region=None,
    size_class: str = "",
) -> QuerySet[RankingEntry]:
    """The entries of `run` in display order, optionally narrowed down (ranks stay the
    ranks of the whole board)."""
    entries = RankingEntry.objects.filter(run=run).select_related("municipality")
    if country:
        entries = entries.filter(municipality__country=country)
    if province:
        entries = entries.filter(municipality__province=province)
    if region is not None:
        entries = entries.filter(municipality__regions=region)
    if size_class:
        entries = entries.filter(size_class=size_class)
    return entries.order_by("position")


def current_entry(municipality: Municipality) -> RankingEntry | None:
    """The municipality's entry on the current board, with its run (None if not on it)."""
    return (
        RankingEntry.objects.filter(run__is_current=True, municipality=municipality)
        .select_related("run")
        .first()
    )


def current_contributions(run: RankingRun, municipality: Municipality):
    return (
        RankingContribution.objects.filter(run=run, municipality=municipality)
        .select_related("innovation", "run")
        .order_by("-points_micro", "started_on", "innovation__title")
    )


@dataclass
class HistoryPoint:
    run: RankingRun
    entry: RankingEntry | None


def rank_history(municipality: Municipality, limit: int = HISTORY_RUNS) -> list[HistoryPoint]:
    """The municipality's rank on each of the last `limit` published boards, oldest
    first (entry None where it was not on the board). Two queries."""
    runs = list(
        RankingRun.objects.published().order_by("-reference_date", "-started_at", "-id")[:limit]
    )
    runs.reverse()
    entries = {
        entry.run_id: entry
        for entry in RankingEntry.objects.filter(
            municipality=municipality, run__in=[run.pk for run in runs]
        )
    }
    return [HistoryPoint(run=run, entry=entries.get(run.pk)) for run in runs]


def leaders(limit: int = 5) -> list[RankingEntry]:
    return list(
        RankingEntry.objects.filter(run__is_current=True)
        .select_related("municipality")
        .order_by("position")[:limit]
    )
