"""The counted adoptions summed once for the sensitivity analysis (ranking.sensitivity):
per municipality × stage × order class, their number and, for each half-life of the grid,
the sum of their recency factors."""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import connection

from core.database import on_postgresql
from municipalities.enums import Stage

from . import formula

STAGES = (Stage.PILOT, Stage.IMPLEMENTED, Stage.SCALED)  # `ended` earns nothing in any draw
HALF_LIFE_SPAN = 30
HALF_LIFE_STEPS = range(6, 16)
HALF_LIFE_YEARS = [HALF_LIFE_SPAN / k for k in HALF_LIFE_STEPS]


@dataclass
class Groups:
    """Per board entry (rows, in `municipality_ids` order), per stage × order class
    (9 columns): the number of counted adoptions (`counts`) and, per half-life of the
    grid, the sum of their recency factors (`recency[k]`)."""

    municipality_ids: list[int]
    counts: np.ndarray  # (M, 9)
    recency: np.ndarray  # (K, M, 9)
    half_lives: list[float]

    def matrix(self, half_life: float | None) -> np.ndarray:
        if half_life is None:
            return self.counts
        return self.recency[self.half_lives.index(half_life)]


def grouped_sql(source: str, parameters: dict, *, with_points: bool = False) -> tuple[str, list]:
    """SELECT, from `source` (a relation of counted adoptions with municipality_id, stage,
    adopter_order and age_days), per municipality, stage and order class (0 launching
    customer, 1 early adopter, 2 later): COUNT(*) AS adoption_count, then the sum of the
    recency factors for each half-life of the grid (HALF_LIFE_YEARS, in its order).

    `with_points`: every stage (an ended adoption counts as an adoption, with no points),
    and a last column, the sum of `source`'s points_micro: from these groups the board's
    totals are summed (services._rank_municipalities), so the adoptions are read once.

    With b = 0.5 ^ (age / 30 years), the factor of half-life 30/k years is b^k: two
    power() per adoption, the others products of b, b², b³ and b⁶ (a fence keeps PostgreSQL
    from computing them again in every sum)."""
    dp = "DOUBLE PRECISION"
    days = float(parameters["days_per_year"])
    fence = "OFFSET 0" if on_postgresql() else ""
    sums = []
    for k in HALF_LIFE_STEPS:
        q, j = divmod(k - 6, 6)
        factors = ["g.b6"] * (1 + q) + {
            0: [],
            1: ["g.b"],
            2: ["g.b2"],
            3: ["g.b3"],
            4: ["g.b3", "g.b"],
            5: ["g.b3", "g.b2"],
        }[j]
        sums.append(f"SUM({' * '.join(factors)})")
    last_early = parameters["early_adopter_last_position"]
    points = ", SUM(g.points_micro) AS points_micro" if with_points else ""
    carried = ", o.points_micro" if with_points else ""
    where = "" if with_points else "WHERE o.stage IN (%s, %s, %s)"
    sql = f"""
        SELECT g.municipality_id, g.stage, g.order_class, COUNT(*) AS adoption_count,
            {", ".join(sums)}{points}
        FROM (
            SELECT p.*, p.b * p.b AS b2, p.b * p.b * p.b AS b3
            FROM (
                SELECT o.municipality_id, o.stage{carried},
                    CASE WHEN o.adopter_order = 1 THEN 0
                        WHEN o.adopter_order <= %s THEN 1 ELSE 2 END AS order_class,
                    power(CAST(0.5 AS {dp}), CAST(o.age_days AS {dp}) / CAST(%s AS {dp})) AS b,
                    power(CAST(0.5 AS {dp}), CAST(o.age_days AS {dp}) / CAST(%s AS {dp})) AS b6
                FROM {source} o
                {where}
                {fence}
            ) p
            {fence}
        ) g
        GROUP BY g.municipality_id, g.stage, g.order_class
    """  # noqa: S608 - `source` is our own SQL; values are parameters  # nosec B608
    params = [last_early, days * HALF_LIFE_SPAN, days * HALF_LIFE_SPAN / 6]
    if not with_points:
        params += [stage.value for stage in STAGES]
    return sql, params


def groups_from_rows(rows, municipality_ids) -> Groups:
    """The rows of grouped_sql() as matrices, in the order of `municipality_ids` (rows of
    municipalities not among them, with no points, and of ended adoptions are left out)."""
    index = {pk: i for i, pk in enumerate(municipality_ids)}
    stage_index = {stage.value: i for i, stage in enumerate(STAGES)}
    counts = np.zeros((len(municipality_ids), 9))
    recency = np.zeros((len(HALF_LIFE_YEARS), len(municipality_ids), 9))
    for municipality_id, stage, order_class, count, *rest in rows:
        row = index.get(municipality_id)
        if row is None or stage not in stage_index:  # not on the board, or ended
            continue
        factor_sums = rest[: len(HALF_LIFE_YEARS)]  # a points column may follow
        column = stage_index[stage] * 3 + int(order_class)
        counts[row, column] = count
        recency[:, row, column] = [float(x) for x in factor_sums]
    return Groups(list(municipality_ids), counts, recency, list(HALF_LIFE_YEARS))


def grouped_sums(*, reference_date: datetime.date, parameters: dict, municipality_ids) -> Groups:
    """grouped_sql() over all counted adoptions (formula.ordered_adoptions_sql), as its
    own statement. (A run on PostgreSQL gets the same rows from the statement that writes
    its board: services._rank_municipalities.)"""
    ordered_sql, ordered_params = formula.ordered_adoptions_sql(reference_date=reference_date)
    sql, params = grouped_sql(f"({ordered_sql})", parameters)
    # The source's parameters come after the first (order class) one.
    params = [params[0], params[1], params[2], *ordered_params, *params[3:]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return groups_from_rows(cursor.fetchall(), municipality_ids)
