"""Every write of the ranking app: computing, publishing and failing leaderboard runs.

Formula v1 (DESIGN.md "Ranking (formula v1)") is computed in two set-based INSERT … SELECT
statements with window functions, the same SQL on PostgreSQL and SQLite except for the
date difference:

1. one `RankingContribution` row per counted adoption: its stage factor, its order among
   the innovation's verified adopters (RANK() by start date, so ties share the better
   factor), its recency 0.5 ^ (age / half-life) and the product, stored in whole
   millionths of a point (integer sums are exact, so row order cannot change a score);
2. one `RankingEntry` row per municipality with points > 0: rank (standard competition
   ranking), rank in size class, points per 10,000 inhabitants, counts, the Koploper label
   and the rank on the previous board.

Municipalities without points get no entry: the board lists who scores, and "not on the
board" is what a missing entry means (a scorecard still shows their zero-point adoptions).

Single flight: a run row is inserted with status `running`; a partial unique constraint
allows one such row, so a second run at the same time is refused by the database itself.
The row carries a lease: if a worker is killed mid-run, the next run finds the lease
expired, marks that run failed and goes ahead. The rows of a run are written and the run
is published (the `is_current` flag moves to it) in ONE transaction, so readers see the
old board or the new one. If anything fails, that transaction rolls back, the run is
recorded as failed with its error, and the published board stays as it was.
"""

import datetime
import logging
import math
from collections.abc import Callable

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from innovations.models import Innovation
from municipalities.enums import Stage
from municipalities.models import Adoption, Municipality

from .models import MICRO, RankingContribution, RankingEntry, RankingRun, RunStatus, RunTrigger

logger = logging.getLogger(__name__)

FORMULA_VERSION = "v1"
PARAMETERS_V1 = {
    "stage_factors": {"pilot": 1, "implemented": 2, "scaled": 3, "ended": 0},
    "launching_customer_factor": 2,
    "early_adopter_factor": 1.5,
    "early_adopter_last_position": 5,
    "later_adopter_factor": 1,
    "recency_half_life_years": 3,
    # Age in years = days between stage_since and the reference date / 365.25.
    "days_per_year": 365.25,
    "koploper_top_percent": 10,
    "koploper_min_adoptions": 3,
}
# Longer than the Celery task's hard time limit (tasks.py), so a live run never loses it.
LEASE = datetime.timedelta(minutes=20)

Progress = Callable[[str], None]


class RankingBusy(Exception):
    """Another ranking run holds the lease; this one was not started."""


def _quiet(message: str) -> None:
    pass


def ranking_recompute(
    *,
    trigger: str = RunTrigger.NIGHTLY,
    started_by_id: int | None = None,
    reference_date: datetime.date | None = None,
    progress: Progress = _quiet,
) -> RankingRun:
    """Compute a new board with formula v1 and publish it atomically.

    `reference_date` (default: today in Europe/Amsterdam) is the date recency is measured
    to; adoptions that started after it are left out. Raises RankingBusy when another run
    is in progress; re-raises the error of a failed run after recording it on the run."""
    reference_date = reference_date or timezone.localdate()
    run = _start_run(trigger=trigger, started_by_id=started_by_id, reference_date=reference_date)
    progress(f"Run #{run.pk} started (reference date {reference_date.isoformat()}).")
    try:
        with transaction.atomic():
            _ensure_sql_functions()
            previous = (
                RankingRun.objects.published()
                .filter(reference_date__lt=reference_date)
                .order_by("-reference_date", "-started_at", "-id")
                .first()
            )
            progress("Scoring verified adoptions…")
            run.contribution_count = _score_adoptions(run)
            progress(f"{run.contribution_count} adoptions scored.")
            progress("Ranking municipalities…")
            run.entry_count = _rank_municipalities(run, previous)
            progress(f"{run.entry_count} municipalities on the board.")
            run.previous_run = previous
            _publish(run)
    except Exception as exc:
        _record_failure(run, exc)
        progress(f"Run #{run.pk} failed: {exc}")
        raise
    progress(f"Run #{run.pk} published.")
    return run


def _start_run(*, trigger, started_by_id, reference_date) -> RankingRun:
    now = timezone.now()
    with transaction.atomic():
        # A worker that was killed cannot clear its run; once its lease has expired the run
        # is recorded as failed so that this one may proceed.
        RankingRun.objects.filter(status=RunStatus.RUNNING, lease_expires_at__lt=now).update(
            status=RunStatus.FAILED,
            finished_at=now,
            lease_expires_at=None,
            error="Abandoned: the run did not finish before its lease expired.",
        )
        try:
            with transaction.atomic():
                return RankingRun.objects.create(
                    status=RunStatus.RUNNING,
                    trigger=trigger,
                    started_by_id=started_by_id,
                    reference_date=reference_date,
                    formula_version=FORMULA_VERSION,
                    parameters=PARAMETERS_V1,
                    started_at=now,
                    lease_expires_at=now + LEASE,
                )
        except IntegrityError:
            # ranking_one_running_run: another run holds the lease.
            raise RankingBusy("Another ranking run is in progress.") from None


def _ensure_sql_functions() -> None:
    """PostgreSQL has power(); SQLite only when compiled with its math functions (this
    machine's is). Without them, register Python's math.pow, which is deterministic."""
    if connection.vendor != "sqlite":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT power(2, 3)")
    except OperationalError:
        connection.connection.create_function("power", 2, math.pow, deterministic=True)


def _age_days_sql() -> str:
    """Whole days from the adoption's stage_since to the reference date (never negative)."""
    if connection.vendor == "postgresql":
        return "GREATEST(CAST(%s AS DATE) - a.stage_since, 0)"
    return "MAX(CAST(julianday(%s) - julianday(a.stage_since) AS INTEGER), 0)"


def _score_adoptions(run: RankingRun) -> int:
    """Statement 1: the points of every counted adoption, with the factors behind them."""
    params = run.parameters
    stages = params["stage_factors"]
    counted = (
        Adoption.objects.verified()
        .filter(
            innovation__in=Innovation.objects.approved(),
            started_on__lte=run.reference_date,
        )
        .order_by()
        .values("id", "municipality_id", "innovation_id", "stage", "started_on", "stage_since")
    )
    counted_sql, counted_params = counted.query.sql_with_params()
    q = connection.ops.quote_name
    dp = "DOUBLE PRECISION"
    sql = f"""
        INSERT INTO {q(RankingContribution._meta.db_table)}
            (run_id, municipality_id, adoption_id, innovation_id, stage, started_on,
             stage_since, adopter_order, age_days, stage_factor, order_factor,
             recency_factor, points_micro)
        SELECT %s, municipality_id, id, innovation_id, stage, started_on, stage_since,
               adopter_order, age_days, stage_factor, order_factor, recency_factor,
               CAST(ROUND(stage_factor * order_factor * recency_factor * %s) AS BIGINT)
        FROM (
            SELECT s.*,
                CASE s.stage
                    WHEN %s THEN CAST(%s AS {dp})
                    WHEN %s THEN CAST(%s AS {dp})
                    WHEN %s THEN CAST(%s AS {dp})
                    ELSE CAST(%s AS {dp})
                END AS stage_factor,
                CASE
                    WHEN s.adopter_order = 1 THEN CAST(%s AS {dp})
                    WHEN s.adopter_order <= %s THEN CAST(%s AS {dp})
                    ELSE CAST(%s AS {dp})
                END AS order_factor,
                power(CAST(0.5 AS {dp}), CAST(s.age_days AS {dp}) / CAST(%s AS {dp}))
                    AS recency_factor
            FROM (
                SELECT a.id, a.municipality_id, a.innovation_id, a.stage, a.started_on,
                    a.stage_since,
                    RANK() OVER (PARTITION BY a.innovation_id ORDER BY a.started_on)
                        AS adopter_order,
                    {_age_days_sql()} AS age_days
                FROM ({counted_sql}) a
            ) s
        ) f
    """  # noqa: S608 - only table names and the ORM's compiled SQL; values are parameters
    sql_params = [
        run.pk,
        MICRO,
        Stage.PILOT.value,
        stages[Stage.PILOT],
        Stage.IMPLEMENTED.value,
        stages[Stage.IMPLEMENTED],
        Stage.SCALED.value,
        stages[Stage.SCALED],
        stages[Stage.ENDED],
        params["launching_customer_factor"],
        params["early_adopter_last_position"],
        params["early_adopter_factor"],
        params["later_adopter_factor"],
        params["days_per_year"] * params["recency_half_life_years"],
        run.reference_date.isoformat(),
        *counted_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
    return RankingContribution.objects.filter(run=run).count()


def _rank_municipalities(run: RankingRun, previous: RankingRun | None) -> int:
    """Statement 2: one entry per municipality with points, ranked, with its movement."""
    params = run.parameters
    q = connection.ops.quote_name
    contribution = q(RankingContribution._meta.db_table)
    entry = q(RankingEntry._meta.db_table)
    municipality = q(Municipality._meta.db_table)
    # Koploper: within each size class, those with at least N adoptions whose rank among
    # them is within the top P percent (rounded up, so a class with any eligible
    # municipality has a Koploper; ties at the boundary share the label).
    sql = f"""
        WITH totals AS (
            SELECT c.municipality_id,
                SUM(c.points_micro) AS score_micro,
                COUNT(*) AS adoption_count,
                COUNT(DISTINCT c.innovation_id) AS innovation_count,
                SUM(CASE WHEN c.adopter_order = 1 THEN 1 ELSE 0 END) AS launching_count
            FROM {contribution} c
            WHERE c.run_id = %s
            GROUP BY c.municipality_id
            HAVING SUM(c.points_micro) > 0
        ), ranked AS (
            SELECT t.*, m.size_class, m.population,
                RANK() OVER (ORDER BY t.score_micro DESC) AS board_rank,
                RANK() OVER (PARTITION BY m.size_class ORDER BY t.score_micro DESC)
                    AS class_rank,
                ROW_NUMBER() OVER (
                    ORDER BY t.score_micro DESC, t.innovation_count DESC, m.name, m.code
                ) AS board_position
            FROM totals t
            JOIN {municipality} m ON m.id = t.municipality_id
        ), eligible AS (
            SELECT municipality_id,
                RANK() OVER (PARTITION BY size_class ORDER BY score_micro DESC)
                    AS eligible_rank,
                COUNT(*) OVER (PARTITION BY size_class) AS eligible_count
            FROM ranked
            WHERE adoption_count >= %s
        )
        INSERT INTO {entry}
            (run_id, municipality_id, {q("position")}, {q("rank")}, score_micro,
             size_class, size_class_rank, population, score_per_10k, adoption_count,
             innovation_count, launching_customer_count, is_koploper, previous_rank)
        SELECT %s, r.municipality_id, r.board_position, r.board_rank, r.score_micro,
            r.size_class, r.class_rank, r.population,
            CASE WHEN r.population > 0
                THEN CAST(r.score_micro AS DOUBLE PRECISION) / (CAST(%s AS DOUBLE PRECISION)
                    * r.population)
                ELSE NULL
            END,
            r.adoption_count, r.innovation_count, r.launching_count,
            CASE WHEN e.eligible_rank <= (e.eligible_count * %s + 99) / 100
                THEN TRUE ELSE FALSE END,
            p.{q("rank")}
        FROM ranked r
        LEFT JOIN eligible e ON e.municipality_id = r.municipality_id
        LEFT JOIN {entry} p ON p.run_id = %s AND p.municipality_id = r.municipality_id
    """  # noqa: S608 - only quoted table and column names; values are parameters
    sql_params = [
        run.pk,
        params["koploper_min_adoptions"],
        run.pk,
        MICRO // 10_000,  # score_micro / (100 × population) = points per 10,000
        params["koploper_top_percent"],
        previous.pk if previous else None,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
    # (SQLite's cursor reports no row count for a statement that starts with WITH.)
    return RankingEntry.objects.filter(run=run).count()


class LeaseLost(Exception):
    """The run outlived its lease and another run took over; its rows are rolled back."""


def _publish(run: RankingRun) -> None:
    """Move the current-board flag to `run` (inside the transaction that wrote its rows).

    The conditional UPDATE … WHERE status = 'running' makes sure a run that outlived its
    lease (and was marked abandoned by a newer run) cannot publish after all."""
    finished_at = timezone.now()
    RankingRun.objects.filter(is_current=True).update(is_current=False)
    published = RankingRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.PUBLISHED,
        is_current=True,
        finished_at=finished_at,
        lease_expires_at=None,
        previous_run=run.previous_run,
        contribution_count=run.contribution_count,
        entry_count=run.entry_count,
    )
    if published != 1:
        raise LeaseLost(f"Run #{run.pk} lost its lease to a newer run.")
    run.status, run.is_current = RunStatus.PUBLISHED, True
    run.finished_at, run.lease_expires_at = finished_at, None


def _record_failure(run: RankingRun, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:5000]
    try:
        RankingRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            lease_expires_at=None,
            error=error,
        )
    except Exception:
        # The database itself may be gone; the lease then expires and the next run
        # records this one as abandoned.
        logger.exception("could not record the failure of ranking run %s", run.pk)
    run.status = RunStatus.FAILED
    run.error = error
