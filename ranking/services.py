"""Every write of the ranking app: computing, publishing and failing leaderboard runs.

A run is ONE INSERT … SELECT: formula v1 (formula.scored_adoptions_sql: the points of
every counted adoption, with window functions) summed per municipality and ranked into
one `RankingEntry` row per municipality with points > 0: score, rank (standard competition
ranking), rank in size class, points per 10,000 inhabitants and the rank by them, counts
and the rank on the previous board. Then the sensitivity draws (ranking.sensitivity) give
each entry its rank interval, and the rule on the intervals its performance group and the
Koploper label (ranking.groups), in the same transaction. The points of single adoptions
are not stored: a scorecard computes them on demand with the same SQL for one municipality
(selectors.contributions), so a run writes some 600 rows instead of one per adoption, and
takes about as long as the formula itself.

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
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import caching
from core.database import on_postgresql
from municipalities.models import Municipality

from . import adoption_sums, formula, groups
from .models import MICRO, RankingEntry, RankingRun, RunStatus, RunTrigger

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


class AlreadyPublished(Exception):
    """The run this call would make is published already (see ranking_recompute)."""

    def __init__(self, run: "RankingRun"):
        super().__init__(f"Run #{run.pk} is published already.")
        self.run = run


def _quiet(message: str) -> None:
    pass


def ranking_recompute(
    *,
    trigger: str = RunTrigger.NIGHTLY,
    started_by_id: int | None = None,
    reference_date: datetime.date | None = None,
    task_id: str = "",
    once_per_date: bool = False,
    progress: Progress = _quiet,
    sensitivity: bool = True,
) -> RankingRun:
    """Compute a new board with formula v1 and publish it atomically.

    `reference_date` (default: today in Europe/Amsterdam) is the date recency is measured
    to; adoptions that started after it are left out. Raises RankingBusy when another run
    is in progress; re-raises the error of a failed run after recording it on the run.

    Idempotent for the nightly task: given the Celery `task_id`, a second delivery of the
    same task (its worker was killed) takes over its own unfinished run at once, without
    waiting for the lease, or returns the run it already published; and with
    `once_per_date`, a run returns the published board of the same trigger and reference
    date if there is one (one nightly board a night, however often beat sends the task).

    `sensitivity=False` leaves out the rank intervals and groups: only for measuring what
    the analysis costs (bench/sensitivity.py); every published board has them."""
    reference_date = reference_date or timezone.localdate()
    try:
        run = _start_run(
            trigger=trigger,
            started_by_id=started_by_id,
            reference_date=reference_date,
            task_id=task_id,
            once_per_date=once_per_date,
        )
    except AlreadyPublished as done:
        progress(f"{done} Nothing to do.")
        return done.run
    progress(f"Run #{run.pk} started (reference date {reference_date.isoformat()}).")
    try:
        with transaction.atomic():
            previous = (
                RankingRun.objects.published()
                .filter(reference_date__lt=reference_date)
                .order_by("-reference_date", "-started_at", "-id")
                .first()
            )
            progress("Scoring verified adoptions and ranking municipalities…")
            run.contribution_count, run.entry_count, sums = _rank_municipalities(
                run, previous, sums=sensitivity
            )
            progress(
                f"{run.contribution_count} adoptions scored, "
                f"{run.entry_count} municipalities on the board."
            )
            if sensitivity:
                progress("Rank intervals over the sensitivity draws, performance groups…")
                groups.run_add_intervals(run, sums)
            run.previous_run = previous
            _publish(run)
    except Exception as exc:
        _record_failure(run, exc)
        progress(f"Run #{run.pk} failed: {exc}")
        raise
    progress(f"Run #{run.pk} published.")
    return run


def _start_run(*, trigger, started_by_id, reference_date, task_id, once_per_date) -> RankingRun:
    now = timezone.now()
    with transaction.atomic():
        # A worker that was killed cannot clear its run; once its lease has expired the run
        # is recorded as failed so that this one may proceed.
        running = RankingRun.objects.filter(status=RunStatus.RUNNING)
        abandoned = {"status": RunStatus.FAILED, "finished_at": now, "lease_expires_at": None}
        running.filter(lease_expires_at__lt=now).update(
            **abandoned, error="Abandoned: the run did not finish before its lease expired."
        )
        if task_id:
            # The broker delivers a task again only when its worker died before
            # acknowledging it: a run of this very task is not alive any more.
            running.filter(task_id=task_id).update(
                **abandoned, error="Abandoned: its worker stopped; the task was delivered again."
            )
        try:
            with transaction.atomic():
                run = RankingRun.objects.create(
                    status=RunStatus.RUNNING,
                    trigger=trigger,
                    started_by_id=started_by_id,
                    reference_date=reference_date,
                    formula_version=FORMULA_VERSION,
                    parameters=PARAMETERS_V1,
                    started_at=now,
                    lease_expires_at=now + LEASE,
                    task_id=task_id,
                )
        except IntegrityError:
            # ranking_one_running_run: another run holds the lease.
            raise RankingBusy("Another ranking run is in progress.") from None
        # Checked after taking the lease: a run that published before it is visible now,
        # one that publishes later cannot have started. Raising rolls the new run back.
        published = RankingRun.objects.published().exclude(pk=run.pk)
        done = published.filter(task_id=task_id).first() if task_id else None
        if done is None and once_per_date:
            done = published.filter(trigger=trigger, reference_date=reference_date).first()
        if done is not None:
            raise AlreadyPublished(done)
        return run


def _rank_municipalities(
    run: RankingRun, previous: RankingRun | None, *, sums: bool = True
) -> tuple[int, int, list | None]:
    """The run's entries in one INSERT … SELECT: formula v1 per adoption, summed and ranked
    per municipality, with the movement since `previous`. Returns (adoptions scored,
    entries written, the sensitivity analysis's grouped sums); on PostgreSQL, with `sums`,
    the same statement returns those sums (adoption_sums.grouped_sql over the scored
    adoptions), so the adoptions are scored once; otherwise they are None."""
    params = run.parameters
    scored_sql, scored_params = formula.scored_adoptions_sql(
        reference_date=run.reference_date, parameters=params
    )
    q = connection.ops.quote_name
    entry = q(RankingEntry._meta.db_table)
    municipality = q(Municipality._meta.db_table)
    # innovation_count is the adoption count: the database allows one adoption per
    # municipality and innovation (adoption_one_per_pair), and COUNT(DISTINCT …) would make
    # PostgreSQL sort every adoption instead of hashing.
    # The Koploper label and the other performance groups follow the rank intervals
    # (ranking.groups, after the sensitivity analysis); the insert leaves them unset.
    totals_sql = """
        all_totals AS (
            SELECT c.municipality_id,
                SUM(c.points_micro) AS score_micro,
                COUNT(*) AS adoption_count,
                SUM(CASE WHEN c.adopter_order = 1 THEN 1 ELSE 0 END) AS launching_count
            FROM scored c
            GROUP BY c.municipality_id
        )"""
    with_params = scored_params
    grouped = connection.vendor == "postgresql" and sums
    if grouped:
        # The sensitivity analysis's groups (per municipality × stage × order class, every
        # stage, with their points), and the totals summed from them: the scored adoptions
        # are read once, by one aggregate, instead of twice (and stored for the second).
        grouped_sql, grouped_params = adoption_sums.grouped_sql("scored", params, with_points=True)
        totals_sql = f"""
        grouped AS ({grouped_sql}),
        all_totals AS (
            SELECT g.municipality_id,
                SUM(g.points_micro) AS score_micro,
                SUM(g.adoption_count) AS adoption_count,
                SUM(CASE WHEN g.order_class = 0 THEN g.adoption_count ELSE 0 END)
                    AS launching_count
            FROM grouped g
            GROUP BY g.municipality_id
        )"""  # noqa: S608 - our SQL  # nosec B608
        with_params = [*scored_params, *grouped_params]
    with_sql = f"""
        WITH scored AS ({scored_sql}),
        {totals_sql}, ranked AS (
            SELECT t.*, m.size_class, m.population,
                RANK() OVER (ORDER BY t.score_micro DESC) AS board_rank,
                RANK() OVER (PARTITION BY m.size_class ORDER BY t.score_micro DESC)
                    AS class_rank,
                RANK() OVER (
                    ORDER BY CASE WHEN m.population > 0 THEN 1 ELSE 0 END DESC,
                        CAST(t.score_micro AS DOUBLE PRECISION)
                            / CASE WHEN m.population > 0 THEN m.population ELSE 1 END DESC
                ) AS per_10k_rank,
                ROW_NUMBER() OVER (
                    ORDER BY t.score_micro DESC, t.adoption_count DESC, m.name, m.code
                ) AS board_position
            FROM all_totals t
            JOIN {municipality} m ON m.id = t.municipality_id
            WHERE t.score_micro > 0
        )
    """  # noqa: S608 - only quoted table names and the compiled formula; values are parameters  # nosec B608
    insert_sql = f"""
        INSERT INTO {entry}
            (run_id, municipality_id, {q("position")}, {q("rank")}, score_micro,
             size_class, size_class_rank, population, score_per_10k, adoption_count,
             innovation_count, launching_customer_count, is_koploper, previous_rank,
             rank_per_10k, performance_group)
        SELECT %s, r.municipality_id, r.board_position, r.board_rank, r.score_micro,
            r.size_class, r.class_rank, r.population,
            CASE WHEN r.population > 0
                THEN CAST(r.score_micro AS DOUBLE PRECISION) / (CAST(%s AS DOUBLE PRECISION)
                    * r.population)
                ELSE NULL
            END,
            r.adoption_count, r.adoption_count, r.launching_count, FALSE, p.{q("rank")},
            CASE WHEN r.population > 0 THEN r.per_10k_rank ELSE NULL END, ''
        FROM ranked r
        LEFT JOIN {entry} p ON p.run_id = %s AND p.municipality_id = r.municipality_id
    """  # noqa: S608 - only quoted table and column names; values are parameters  # nosec B608
    insert_params = [
        run.pk,
        MICRO // 10_000,  # score_micro / (100 × population) = points per 10,000
        previous.pk if previous else None,
    ]
    scored_total = "SELECT COALESCE(SUM(adoption_count), 0) FROM all_totals"
    with connection.cursor() as cursor:
        if on_postgresql():
            # The insert as a data-modifying CTE: the adoptions are scored once, and the
            # statement still answers how many adoptions and entries there were.
            counts = f"({scored_total}), (SELECT COUNT(*) FROM inserted)"  # noqa: S608  # nosec B608
            statement = f"{with_sql}, inserted AS ({insert_sql} RETURNING 1)"
            if not grouped:
                cursor.execute(f"{statement} SELECT {counts}", [*with_params, *insert_params])
                scored, entries = cursor.fetchone()
                return int(scored), int(entries), None
            # One row per group, each with the two counts (one row of counts if no group).
            grouped_statement = (
                f"{statement} "  # noqa: S608 - our SQL  # nosec B608
                f"SELECT {counts}, g.* FROM (SELECT 1) one LEFT JOIN grouped g ON TRUE"
            )
            cursor.execute(grouped_statement, [*with_params, *insert_params])
            rows = cursor.fetchall()
            grouped = [row[2:] for row in rows if row[2] is not None]
            return int(rows[0][0]), int(rows[0][1]), grouped
        # SQLite has no INSERT inside WITH: the insert, then the count (small data there).
        cursor.execute(f"{with_sql} {insert_sql}", [*with_params, *insert_params])
        cursor.execute(f"{with_sql} {scored_total}", with_params)
        scored = cursor.fetchone()[0]
    return int(scored), RankingEntry.objects.filter(run=run).count(), None


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
        sensitivity=run.sensitivity,
    )
    if published != 1:
        raise LeaseLost(f"Run #{run.pk} lost its lease to a newer run.")
    # Pages cached under the board's version (the leaderboard) are made afresh after this
    # transaction commits.
    caching.bump_data_version(caching.RANKING)
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
