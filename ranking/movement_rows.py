"""The query behind "why did it move" (ranking.movement): a municipality's counted adoptions
on the current board joined with their points on the previous one, classified, ordered and
limited in SQL."""

from dataclasses import dataclass

from django.db import connection

from innovations.models import Innovation
from municipalities.enums import Verification
from municipalities.models import Adoption, Municipality

from . import formula
from .models import RankingRun
from .selectors import Contribution, contribution_from_row

ADDED, CHANGED, AGED = "added", "changed", "aged"
_KINDS = (ADDED, CHANGED, AGED)  # their numbers in SQL: 0, 1, 2


@dataclass
class MovementRow:
    kind: str
    contribution: Contribution  # as on the current board
    before_micro: int  # on the previous board (0 if added; computed from the history if changed)
    listed: bool  # among the first `limit` of its kind that the page lists


@dataclass
class MovementRows:
    rows: list[MovementRow]
    counts: dict[str, int]  # per kind: how many adoptions
    effects: dict[str, int]  # per kind: their effect together (millionths; 0 for changed)


def movement_rows(
    run: RankingRun,
    previous: RankingRun,
    municipality: Municipality,
    *,
    limit: int,
    shown_micro: int,
) -> MovementRows:
    """`municipality`'s counted adoptions on `run` joined with their points on `previous`,
    each classified (ranking.movement): added (started after the previous board's date, or
    verified after it was published and in its stage by then), changed stage (reached it
    after that date) or aged (other points, nothing else changed). One query, ordered and
    limited in SQL, which hands over every adoption that changed stage; of the added and
    the aged the `limit` largest effects (aged ones only from `shown_micro` on), in the
    contributions' order among equal effects; and per kind the number and the effect of all.
    (Of a kind with nothing to list, one row carries the number and effect.)"""
    now_sql, now_params = formula.scored_adoptions_sql(
        reference_date=run.reference_date,
        parameters=run.parameters,
        municipality_id=municipality.pk,
    )
    # Their points on the previous board, computed from the same rows: the previous board
    # counted the adoptions counted now that had started by its date (the same verified
    # adoptions of published innovations), with the same stored adopter order.
    before_sql, before_params = formula.points_sql(
        "n0", reference_date=previous.reference_date, parameters=previous.parameters
    )
    adoption = connection.ops.quote_name(Adoption._meta.db_table)
    innovation = connection.ops.quote_name(Innovation._meta.db_table)
    published = (
        connection.ops.adapt_datetimefield_value(previous.finished_at)
        if previous.finished_at is not None
        else None
    )
    date = previous.reference_date
    columns = ", ".join(f"r.{column}" for column in formula.COLUMNS)
    # Ranked without the innovations' titles, which break ties only (RANK: equal effects and
    # points share a rank, so no row of the first `limit` is missed); the titles, read for
    # the rows handed over only, order those, and Python takes the first `limit` of a kind.
    # The adoptions verified since the previous board was published come from the covering
    # index (municipalities.Adoption), not from every adoption's row.
    statement = f"""
        SELECT {columns}, i.title, i.slug, r.before_micro, r.kind, r.effect, r.rn,
            r.kind_count, r.kind_effect
        FROM (
            SELECT c.*,
                RANK() OVER (
                    PARTITION BY c.kind
                    ORDER BY ABS(c.effect) DESC, c.points_micro DESC, c.started_on
                ) AS rn,
                COUNT(*) OVER (PARTITION BY c.kind) AS kind_count,
                SUM(c.effect) OVER (PARTITION BY c.kind) AS kind_effect
            FROM (
                SELECT k.*,
                    CASE k.kind WHEN 0 THEN k.points_micro
                        WHEN 2 THEN k.points_micro - k.before_micro ELSE 0 END AS effect
                FROM (
                    SELECT n.*,
                        CASE
                            WHEN n.started_on > %s
                                OR (v.id IS NOT NULL AND n.stage_since <= %s) THEN 0
                            WHEN n.stage_since > %s THEN 1
                            WHEN n.before_micro <> n.points_micro THEN 2
                        END AS kind
                    FROM (
                        SELECT n0.*,
                            CASE WHEN n0.started_on <= %s THEN {before_sql} END AS before_micro
                        FROM ({now_sql}) n0
                    ) n
                    LEFT JOIN (
                        SELECT id FROM {adoption}
                        WHERE municipality_id = %s AND verification = %s AND verified_at > %s
                    ) v ON v.id = n.id
                ) k
                WHERE k.kind IS NOT NULL
            ) c
        ) r
        JOIN {innovation} i ON i.id = r.innovation_id
        WHERE r.kind = 1 OR r.rn = 1
            OR (r.rn <= %s AND (r.kind = 0 OR ABS(r.effect) >= %s))
        ORDER BY r.kind, r.rn, i.title, r.id
    """  # noqa: S608 - quoted table names and our own SQL; values are parameters  # nosec B608
    params = [
        date,
        date,
        date,
        date,
        *before_params,
        *now_params,
        municipality.pk,
        Verification.VERIFIED.value,
        published,
        limit,
        shown_micro,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
    days_per_year = run.parameters["days_per_year"]
    result = MovementRows(
        rows=[], counts=dict.fromkeys(_KINDS, 0), effects=dict.fromkeys(_KINDS, 0)
    )
    taken = dict.fromkeys(_KINDS, 0)
    for row in found:
        before, kind, effect, rank, count, total = row[14:20]
        kind = _KINDS[int(kind)]
        result.counts[kind], result.effects[kind] = int(count), int(total or 0)
        listed = (
            int(rank) <= limit
            and taken[kind] < limit
            and (kind != AGED or abs(int(effect)) >= shown_micro)
        )
        taken[kind] += listed
        result.rows.append(
            MovementRow(
                kind=kind,
                contribution=contribution_from_row(row, days_per_year),
                before_micro=int(before or 0) if kind == AGED else 0,
                listed=listed,
            )
        )
    return result
