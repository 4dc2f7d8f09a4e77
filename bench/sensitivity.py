"""The ranking's sensitivity analysis (ranking/sensitivity.py) against the recompute floor.

Every run computes, besides the board, each municipality's rank under 1,000 draws of the
formula's assumptions. Budget: it adds at most twice the recompute floor (bench/floor.sql,
formula v1 as one statement). Measured here in the benchmark's own process on the published
board: per round the floor statement and the whole analysis (the grouped sums in SQL, the
draws, the one-at-a-time variations), one after the other, so both see the same load."""

import time

from .report import Figure, median
from .worker import run_floor

MAX_RATIO = 2.0


def sensitivity_figure(reference_date, rounds: int, log=print) -> Figure:
    import numpy as np

    from ranking import sensitivity
    from ranking.models import RankingEntry, RankingRun

    figure = Figure(
        name="ranking_sensitivity",
        title="Sensitivity analysis of a run (1,000 draws, one-at-a-time variations)",
        value=None,
        unit="s",
        floor=None,
        floor_title="formula v1 as one SQL statement",
        max_ratio=MAX_RATIO,
    )
    run = RankingRun.objects.current().first()
    if run is None:
        figure.note = "no published run to analyse"
        return figure
    entries = list(RankingEntry.objects.filter(run=run).order_by("position"))
    board = sensitivity.Board(
        municipality_ids=[e.municipality_id for e in entries],
        ranks=np.array([e.rank for e in entries]),
        size_classes=[e.size_class for e in entries],
        class_ranks=np.array([e.size_class_rank for e in entries]),
    )
    values, floors = [], []
    for i in range(rounds):
        floor_seconds, _ = run_floor(run.reference_date)
        started = time.perf_counter()
        analysis = sensitivity.analyse(
            board=board, reference_date=run.reference_date, parameters=run.parameters
        )
        values.append(time.perf_counter() - started)
        floors.append(floor_seconds)
        log(
            f"  round {i + 1}/{rounds}: sensitivity {values[-1]:.3f} s, "
            f"floor {floor_seconds:.3f} s ({analysis.summary['settings']['draws']} draws, "
            f"{len(entries)} municipalities)"
        )
    figure.value, figure.floor, figure.runs = median(values), median(floors), rounds
    return figure
