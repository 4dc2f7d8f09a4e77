"""Performance groups: a documented rule on the rank intervals instead of the bare rank
(as the European Innovation Scoreboard groups countries whose intervals overlap).

Within its size class, a municipality's group is set by the best end of its 5–95% rank
interval in that class (how high it plausibly ranks under other reasonable assumptions):

- Koploper: the interval reaches the top 10% of its size class, and it has at least three
  verified adoptions (v1's floor for the label);
- Strong follower: it reaches the top 30%;
- Follower: it reaches the top 60%;
- Starter: every other municipality on the board.

"Top p%" is the best ceil(p × n / 100) ranks of the n municipalities of the class on the
board, so every class with a municipality has a top. The methodology page states this
rule; tests/ranking/test_groups.py holds it to its words."""

import math
from collections import Counter

import numpy as np
from django.db import connection

from . import sensitivity
from .models import PerformanceGroup, RankingEntry, RankingRun

# (group, reaches the top percent of the size class), best first; the rest are starters.
RULE = [
    (PerformanceGroup.KOPLOPER, 10),  # v1's koploper_top_percent
    (PerformanceGroup.STRONG, 30),
    (PerformanceGroup.FOLLOWER, 60),
]


def top_places(class_size: int, percent: int) -> int:
    return math.ceil(class_size * percent / 100)


def performance_group(
    *, class_rank_low: int, class_size: int, adoption_count: int, min_adoptions: int
) -> str:
    for group, percent in RULE:
        if group == PerformanceGroup.KOPLOPER and adoption_count < min_adoptions:
            continue
        if class_rank_low <= top_places(class_size, percent):
            return group
    return PerformanceGroup.STARTER


INTERVAL_FIELDS = [
    "rank_low",
    "rank_median",
    "rank_high",
    "size_class_rank_low",
    "size_class_rank_median",
    "size_class_rank_high",
    "performance_group",
    "is_koploper",
]


def run_add_intervals(run: RankingRun, sums: list | None = None) -> None:
    """Give the entries of `run` (written, not yet published) their rank intervals and
    performance groups, and the run its analysis summary (`run.sensitivity`). `sums`: the
    grouped sums if the board's statement returned them (adoption_sums.grouped_sql)."""
    entries = list(
        RankingEntry.objects.filter(run=run)
        .order_by("position")
        .only("id", "municipality_id", "rank", "size_class", "size_class_rank", "adoption_count")
    )
    board = sensitivity.Board(
        municipality_ids=[e.municipality_id for e in entries],
        ranks=np.array([e.rank for e in entries], dtype=np.int64),
        size_classes=[e.size_class for e in entries],
        class_ranks=np.array([e.size_class_rank for e in entries], dtype=np.int64),
    )
    analysis = sensitivity.analyse(
        board=board, reference_date=run.reference_date, parameters=run.parameters, rows=sums
    )
    intervals = analysis.intervals
    class_sizes = Counter(board.size_classes)
    params = run.parameters
    for i, entry in enumerate(entries):
        entry.rank_low = int(intervals.rank_low[i])
        entry.rank_median = int(intervals.rank_median[i])
        entry.rank_high = int(intervals.rank_high[i])
        entry.size_class_rank_low = int(intervals.class_rank_low[i])
        entry.size_class_rank_median = int(intervals.class_rank_median[i])
        entry.size_class_rank_high = int(intervals.class_rank_high[i])
        entry.performance_group = str(
            performance_group(
                class_rank_low=entry.size_class_rank_low,
                class_size=class_sizes[entry.size_class],
                adoption_count=entry.adoption_count,
                min_adoptions=params["koploper_min_adoptions"],
            )
        )
        entry.is_koploper = entry.performance_group == PerformanceGroup.KOPLOPER
    _write_intervals(entries)
    run.sensitivity = analysis.summary


def _write_intervals(entries: list[RankingEntry]) -> None:
    """The intervals and groups of `entries`, written without Django's bulk_update (a CASE
    WHEN over all the rows for every field, which the database evaluates for every row:
    0.8 s for a board of 300 on PostgreSQL). On PostgreSQL one UPDATE … FROM unnest() of a
    column array each; elsewhere one small UPDATE per entry, as one executemany (SQLite
    reuses the prepared statement)."""
    q = connection.ops.quote_name
    table = q(RankingEntry._meta.db_table)
    fields = [RankingEntry._meta.get_field(name) for name in INTERVAL_FIELDS]
    columns = [[getattr(entry, name) for entry in entries] for name in INTERVAL_FIELDS]
    ids = [entry.pk for entry in entries]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = {"BooleanField": "boolean", "CharField": "text"}
            arrays = ", ".join(
                f"%s::{types.get(field.get_internal_type(), 'integer')}[]" for field in fields
            )
            names = ", ".join(q(field.column) for field in fields)
            sets = ", ".join(f"{q(field.column)} = v.{q(field.column)}" for field in fields)
            cursor.execute(
                f"UPDATE {table} e SET {sets} "  # noqa: S608 - quoted names only  # nosec B608
                f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {names}) WHERE e.id = v.id",
                [ids, *columns],
            )
            return
        sets = ", ".join(f"{q(field.column)} = %s" for field in fields)
        statement = f"UPDATE {table} SET {sets} WHERE id = %s"  # noqa: S608 - quoted names only  # nosec B608
        cursor.executemany(statement, [[*row, pk] for *row, pk in zip(*columns, ids, strict=True)])
