"""Reads of the ranking: the current board, a municipality's scorecard and rank history."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from municipalities.enums import Stage
from municipalities.models import Municipality

from . import formula
from .models import RankingEntry, RankingRun, from_micro

HISTORY_RUNS = 30
# Board orderings, the same on the page and in the API: by points (the board's rank, ties in
# display order) or by points per 10,000 inhabitants.
ORDERINGS = {
    "rank": ("position",),
    "rank_per_10k": (F("rank_per_10k").asc(nulls_last=True), "position"),
}
UNKNOWN_ORDERING = _("Unknown ordering “%(value)s”: use rank or rank_per_10k.")


def current_run(*, with_previous: bool = False) -> RankingRun | None:
    """The published board; `with_previous`: with its previous board in the same query."""
    runs = RankingRun.objects.current()
    return (runs.select_related("previous_run") if with_previous else runs).first()


def current_run_id() -> int | None:
    return RankingRun.objects.current().values_list("pk", flat=True).first()


def board_entries(
    run: RankingRun,
    *,
    country: str = "",
    province: str = "",
    region: str = "",
    size_class: str = "",
    ordering: str = "",
) -> QuerySet[RankingEntry]:
    """The entries of `run` in display order, optionally narrowed down (ranks stay the
    ranks of the whole board)."""
    entries = RankingEntry.objects.filter(run=run).select_related("municipality")
    if country:
        entries = entries.filter(municipality__country=country)
    if province:
        entries = entries.filter(municipality__province_code=province)
    if region:
        entries = entries.filter(municipality__regions__slug=region)
    if size_class:
        entries = entries.filter(size_class=size_class)
    return entries.order_by(*ORDERINGS[ordering or "rank"])


def current_entry(
    municipality: Municipality, *, run: RankingRun | None = None
) -> RankingEntry | None:
    """The municipality's entry on the current board, with its run (None if not on it).
    `run`: the current board, when the caller has read it already (the scorecard): then
    the entry is read on it and carries it, with no second query for the run."""
    if run is None:
        return (
            RankingEntry.objects.filter(run__is_current=True, municipality=municipality)
            .select_related("run")
            .first()
        )
    entry = RankingEntry.objects.filter(run=run, municipality=municipality).first()
    if entry is not None:
        entry.run = run  # the related object Django would otherwise read again
    return entry


@dataclass(frozen=True)
class InnovationRef:
    """What a scorecard shows of an innovation: a link. (Thousands per large municipality:
    a plain object, not a model instance, which cost most of the scorecard's time.)"""

    pk: int
    title: str
    slug: str


@dataclass(frozen=True)
class Contribution:
    """The points one adoption earns under a run's formula, with the factors behind them."""

    adoption_id: int
    municipality_id: int
    innovation: InnovationRef
    stage: str
    started_on: datetime.date
    stage_since: datetime.date
    adopter_order: int
    age_days: int
    stage_factor: float
    order_factor: float
    recency_factor: float
    points_micro: int
    days_per_year: float

    @property
    def points(self) -> Decimal:
        return from_micro(self.points_micro)

    @property
    def is_launching_customer(self) -> bool:
        return self.adopter_order == 1

    @property
    def age_years(self) -> float:
        return self.age_days / self.days_per_year

    def get_stage_display(self) -> str:
        return str(Stage(self.stage).label)


def _date(value) -> datetime.date:
    # Raw SQL on SQLite returns dates as ISO strings.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def contribution_from_row(row, days_per_year: float) -> Contribution:
    (
        adoption_id,
        municipality_id,
        innovation_id,
        stage,
        started_on,
        stage_since,
        adopter_order,
        age_days,
        stage_factor,
        order_factor,
        recency_factor,
        points_micro,
        title,
        slug,
    ) = row[:14]
    return Contribution(
        adoption_id=adoption_id,
        municipality_id=municipality_id,
        innovation=InnovationRef(pk=innovation_id, title=title, slug=slug),
        stage=stage,
        started_on=_date(started_on),
        stage_since=_date(stage_since),
        adopter_order=int(adopter_order),
        age_days=int(age_days),
        stage_factor=float(stage_factor),
        order_factor=float(order_factor),
        recency_factor=float(recency_factor),
        points_micro=int(points_micro),
        days_per_year=days_per_year,
    )


def _scored_with_innovations(run: RankingRun, municipality: Municipality | None):
    sql, params = formula.scored_adoptions_sql(
        reference_date=run.reference_date,
        parameters=run.parameters,
        municipality_id=municipality.pk if municipality is not None else None,
    )
    innovation = connection.ops.quote_name(Innovation._meta.db_table)
    columns = ", ".join(f"x.{column}" for column in formula.COLUMNS)
    statement = (
        f"SELECT {columns}, i.title, i.slug FROM ({sql}) x "  # noqa: S608 - quoted table name  # nosec B608
        f"JOIN {innovation} i ON i.id = x.innovation_id"
    )
    return statement, params


def contributions(run: RankingRun, municipality: Municipality | None = None) -> list[Contribution]:
    """The counted adoptions of `municipality` (all municipalities if None) with the points
    each earns under `run`'s formula, parameters and reference date, most points first.

    Computed now, with the same SQL the run summed (ranking.formula), in one query: the
    run stores the board, not the points of each adoption. If adoptions changed since the
    run (a new verification, a new stage), these are the points the next board will use,
    and their sum differs from the entry's score; the scorecard says so."""
    statement, params = _scored_with_innovations(run, municipality)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    days_per_year = run.parameters["days_per_year"]
    result = [contribution_from_row(row, days_per_year) for row in rows]
    result.sort(key=lambda c: (-c.points_micro, c.started_on, c.innovation.title, c.adoption_id))
    return result


@dataclass
class ContributionPage:
    """One page of a municipality's contributions, with how many there are and the sum of
    the points of all."""

    rows: list[Contribution]
    number: int
    count: int
    points_micro: int


def contributions_page(
    run: RankingRun, municipality: Municipality, *, number: int, per_page: int
) -> ContributionPage:
    """Page `number` (from 1; past the last: the last) of contributions(run, municipality),
    in the same order, with the count and the points of all: one query, which hands over
    a page of rows instead of all of them (a large municipality has thousands, and making
    an object of each cost most of the scorecard's time: docs/performance.md)."""
    sql, params = formula.scored_adoptions_sql(
        reference_date=run.reference_date,
        parameters=run.parameters,
        municipality_id=municipality.pk,
    )
    innovation = connection.ops.quote_name(Innovation._meta.db_table)
    columns = ", ".join(f"c.{column}" for column in formula.COLUMNS)
    # Ordered first without the innovations' titles, which only break ties of points and
    # start date: the rows whose group of ties overlaps the page are the candidates, and
    # only their titles are read (not those of a large municipality's ~5,000 adoptions).
    paged = f"""
        SELECT {columns}, i.title, i.slug, c.total, c.points, c.first_position
        FROM (
            SELECT s.*,
                RANK() OVER (ORDER BY s.points_micro DESC, s.started_on) AS first_position,
                COUNT(*) OVER (PARTITION BY s.points_micro, s.started_on) AS ties,
                COUNT(*) OVER () AS total,
                COALESCE(SUM(s.points_micro) OVER (), 0) AS points
            FROM ({sql}) s
        ) c
        JOIN {innovation} i ON i.id = c.innovation_id
        WHERE c.first_position <= %s AND c.first_position + c.ties - 1 > %s
        ORDER BY c.points_micro DESC, c.started_on, i.title, c.id
    """  # noqa: S608 - quoted table name and our own SQL; values are parameters  # nosec B608

    def page_of(number: int) -> list:
        offset = (number - 1) * per_page
        cursor.execute(paged, [*params, offset + per_page, offset])
        candidates = cursor.fetchall()
        skip = offset - (int(candidates[0][16]) - 1) if candidates else 0
        return candidates[skip : skip + per_page]

    days_per_year = run.parameters["days_per_year"]
    number = max(number, 1)
    with connection.cursor() as cursor:
        rows = page_of(number)
        if not rows and number > 1:  # past the last page: the last one
            first = page_of(1)
            count = int(first[0][14]) if first else 0
            number = max((count + per_page - 1) // per_page, 1)
            rows = page_of(number)
    count, points = (int(rows[0][14]), int(rows[0][15])) if rows else (0, 0)
    return ContributionPage(
        rows=[contribution_from_row(row, days_per_year) for row in rows],
        number=number,
        count=count,
        points_micro=points,
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
