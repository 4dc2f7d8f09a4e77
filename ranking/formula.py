"""Formula v1 (DESIGN.md "Ranking (formula v1)") as one SQL SELECT: the points of every
counted adoption with the factors behind them.

The same statement serves the nightly run (services: summed per municipality into the
board, inside one INSERT … SELECT) and a scorecard (selectors: the adoptions of one
municipality, on demand), so a scorecard's points are computed exactly as the board's.

Points are whole millionths of a point (models.MICRO): integer sums are exact, so row
order cannot change a score. The SQL is the same on PostgreSQL and SQLite except for the
date difference (power() is PostgreSQL's, and on SQLite Django's own when the library lacks
its math functions)."""

import datetime

from core.database import on_postgresql
from innovations.models import Innovation
from municipalities.enums import Stage
from municipalities.models import Adoption

from .models import MICRO

# The columns of scored_adoptions_sql(), in order.
COLUMNS = (
    "id",
    "municipality_id",
    "innovation_id",
    "stage",
    "started_on",
    "stage_since",
    "adopter_order",
    "age_days",
    "stage_factor",
    "order_factor",
    "recency_factor",
    "points_micro",
)


def _age_days_sql() -> str:
    """Whole days from the adoption's stage_since to the reference date (never negative)."""
    if on_postgresql():
        return "GREATEST(CAST(%s AS DATE) - a.stage_since, 0)"
    return "MAX(CAST(julianday(%s) - julianday(a.stage_since) AS INTEGER), 0)"


def ordered_adoptions_sql(
    *, reference_date: datetime.date, municipality_id: int | None = None
) -> tuple[str, list]:
    """SELECT of the counted adoptions (verified, of published innovations, started on or
    before `reference_date`): id, municipality_id, innovation_id, stage, started_on,
    stage_since, adopter_order (RANK() among the innovation's counted adopters by start
    date, so ties share the better order) and age_days (from stage_since, never negative).

    With `municipality_id`, only the adoptions of that municipality, each with its order
    among all adopters of its innovation as stored on the adoption (`adopter_order`, kept
    by municipalities in the verifying transaction: RANK() among the innovation's verified
    adopters by start date) instead of ranking every adopter of every innovation the
    municipality uses. The stored order is the RANK() above for every counted adoption:
    the innovation's counted adopters are its verified ones (of the same, so equally
    published, innovation), and anyone who started before a counted adoption started
    before the reference date too."""
    columns = ["id", "municipality_id", "innovation_id", "stage", "started_on", "stage_since"]
    if municipality_id is None:
        order_sql = "RANK() OVER (PARTITION BY a.innovation_id ORDER BY a.started_on)"
    else:
        columns.append("adopter_order")
        order_sql = "a.adopter_order"
    counted = (
        Adoption.objects.verified()
        .filter(innovation__in=Innovation.objects.approved(), started_on__lte=reference_date)
        .order_by()
        .values(*columns)
    )
    if municipality_id is not None:
        counted = counted.filter(municipality_id=municipality_id)
    counted_sql, counted_params = counted.query.sql_with_params()
    sql = f"""
        SELECT a.id, a.municipality_id, a.innovation_id, a.stage, a.started_on,
            a.stage_since,
            {order_sql} AS adopter_order,
            {_age_days_sql()} AS age_days
        FROM ({counted_sql}) a
    """  # noqa: S608 - only the ORM's compiled SQL; values are parameters  # nosec B608
    return sql, [reference_date.isoformat(), *counted_params]


def _factors_sql(alias: str, parameters: dict) -> tuple[str, str, list]:
    """The stage factor and the adopter-order factor of the adoption row `alias`, as two SQL
    CASE expressions, and their parameters (stage factors, then order factors)."""
    stages = parameters["stage_factors"]
    dp = "DOUBLE PRECISION"
    stage_sql = f"""CASE {alias}.stage
                    WHEN %s THEN CAST(%s AS {dp})
                    WHEN %s THEN CAST(%s AS {dp})
                    WHEN %s THEN CAST(%s AS {dp})
                    ELSE CAST(%s AS {dp})
                END"""
    order_sql = f"""CASE
                    WHEN {alias}.adopter_order = 1 THEN CAST(%s AS {dp})
                    WHEN {alias}.adopter_order <= %s THEN CAST(%s AS {dp})
                    ELSE CAST(%s AS {dp})
                END"""
    params = [
        Stage.PILOT.value,
        stages[Stage.PILOT],
        Stage.IMPLEMENTED.value,
        stages[Stage.IMPLEMENTED],
        Stage.SCALED.value,
        stages[Stage.SCALED],
        stages[Stage.ENDED],
        parameters["launching_customer_factor"],
        parameters["early_adopter_last_position"],
        parameters["early_adopter_factor"],
        parameters["later_adopter_factor"],
    ]
    return stage_sql, order_sql, params


def _half_life_days(parameters: dict) -> float:
    return parameters["days_per_year"] * parameters["recency_half_life_years"]


def scored_adoptions_sql(
    *, reference_date: datetime.date, parameters: dict, municipality_id: int | None = None
) -> tuple[str, list]:
    """SELECT of one row per counted adoption (COLUMNS; see ordered_adoptions_sql), with

    - stage_factor: pilot, implemented, scaled, ended from `parameters["stage_factors"]`;
    - order_factor: launching customer, early adopter or later adopter, by adopter_order;
    - recency_factor: 0.5 ^ (age / half-life), age in days from stage_since;
    - points_micro: the product, in millionths of a point."""
    ordered_sql, ordered_params = ordered_adoptions_sql(
        reference_date=reference_date, municipality_id=municipality_id
    )
    stage_sql, order_sql, factor_params = _factors_sql("s", parameters)
    dp = "DOUBLE PRECISION"
    sql = f"""
        SELECT f.id, f.municipality_id, f.innovation_id, f.stage, f.started_on, f.stage_since,
            f.adopter_order, f.age_days, f.stage_factor, f.order_factor, f.recency_factor,
            CAST(ROUND(f.stage_factor * f.order_factor * f.recency_factor * %s) AS BIGINT)
                AS points_micro
        FROM (
            SELECT s.*,
                {stage_sql} AS stage_factor,
                {order_sql} AS order_factor,
                power(CAST(0.5 AS {dp}), CAST(s.age_days AS {dp}) / CAST(%s AS {dp}))
                    AS recency_factor
            FROM ({ordered_sql}) s
        ) f
    """  # noqa: S608 - only the compiled SQL above; values are parameters  # nosec B608
    sql_params = [MICRO, *factor_params, _half_life_days(parameters), *ordered_params]
    return sql, sql_params


def points_sql(alias: str, *, reference_date: datetime.date, parameters: dict) -> tuple[str, list]:
    """Formula v1's points (millionths) of the adoption row `alias` (its stage, stage_since
    and adopter_order) on `reference_date` under `parameters`, as one expression: the value
    scored_adoptions_sql() gives that adoption, in the same arithmetic. ("Why did it move"
    scores the adoptions read for the current board on the previous board too: a counted
    adoption of the previous board is one of the current board's that started by then.)"""
    stage_sql, order_sql, factor_params = _factors_sql(alias, parameters)
    dp = "DOUBLE PRECISION"
    age = _age_days_sql().replace("a.stage_since", f"{alias}.stage_since")
    sql = f"""CAST(ROUND(
        {stage_sql}
        * {order_sql}
        * power(CAST(0.5 AS {dp}), CAST({age} AS {dp}) / CAST(%s AS {dp}))
        * %s) AS BIGINT)"""
    params = [*factor_params, reference_date.isoformat(), _half_life_days(parameters), MICRO]
    return sql, params
