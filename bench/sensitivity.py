"""What the ranking's sensitivity analysis (ranking/sensitivity.py) adds to a run, against
the recompute floor.

Every run ranks the board again under 1,000 draws of the formula's assumptions. Budget: it
adds at most twice the recompute floor (bench/floor.sql, formula v1 as one statement).
Measured in the benchmark's own process, per round one after the other so that all three see
the same load: the floor statement, a run without the analysis
(`ranking_recompute(sensitivity=False)`, the board only) and a run with it; the value is the
difference of the two runs (on PostgreSQL the grouped sums ride on the board's statement,
so the analysis cannot be timed on its own)."""

import time

from .report import Figure, median
from .worker import run_floor

MAX_RATIO = 2.0


def sensitivity_figure(reference_date, rounds: int, log=print) -> Figure:
    from ranking.services import ranking_recompute

    figure = Figure(
        name="ranking_sensitivity",
        title="Sensitivity analysis added to a run (1,000 draws, one-at-a-time variations)",
        value=None,
        unit="s",
        floor=None,
        floor_title="formula v1 as one SQL statement",
        max_ratio=MAX_RATIO,
    )
    added, floors = [], []
    for i in range(rounds):
        floor_seconds, _ = run_floor(reference_date)
        timings = {}
        for with_analysis in (False, True):
            started = time.perf_counter()
            run = ranking_recompute(
                trigger="command", reference_date=reference_date, sensitivity=with_analysis
            )
            timings[with_analysis] = time.perf_counter() - started
        added.append(max(timings[True] - timings[False], 0.0))
        floors.append(floor_seconds)
        log(
            f"  round {i + 1}/{rounds}: run {timings[False]:.3f} s without the analysis, "
            f"{timings[True]:.3f} s with it ({run.sensitivity['settings']['draws']} draws, "
            f"{run.entry_count} municipalities), floor {floor_seconds:.3f} s"
        )
    figure.value, figure.floor, figure.runs = median(added), median(floors), rounds
    return figure
