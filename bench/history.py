"""The generated adoptions' verified stage history (municipalities.AdoptionStageChange), as
the services would have written it: one row each time a verified stage took effect, the
last one the adoption's stage and date.

Most adoptions that are implemented, scaled up or ended were a pilot first, some went
through implementation before scaling up or ending, a few started in their stage: the
paths below, chosen per adoption by a hash of its id (no draws of the generator's random
sequence, so the rest of the data set stays the same, and the same statement fills a copy
of a data set generated before there was history). One INSERT … SELECT over the verified
adoptions: ~1.5 million rows at SCALE=1 in about 10 s, faster than COPY from Python."""

import sys
import time

from django.db import connection

# Per stage, with the share (percent) of adoptions that took each path when the stage
# started on a later day than the adoption (else the adoption started in its stage).
# P pilot, I implemented, S scaled, E ended. A path of three stages needs a day between.
PATHS = {
    "implemented": [("PI", 70), ("I", 30)],
    "scaled": [("PIS", 60), ("PS", 25), ("IS", 15)],
    "ended": [("PE", 65), ("PIE", 25), ("IE", 10)],
}
STAGES = {"P": "pilot", "I": "implemented", "S": "scaled", "E": "ended"}


def _path_sql() -> str:
    """CASE giving each verified adoption its path (a text of stage letters)."""
    cases = ["WHEN a.stage = 'pilot' THEN 'P'"]
    for stage, paths in PATHS.items():
        letter = next(k for k, v in STAGES.items() if v == stage)
        upper = 0
        whens = []
        for path, share in paths:
            upper += share
            need = "a.span >= 2" if len(path) == 3 else "a.span >= 1"
            whens.append(f"WHEN {need} AND a.h % 100 < {upper} THEN '{path}'")
        # Another path of the stage where the span is too short, else the stage alone.
        whens.append(f"WHEN a.span >= 1 THEN '{paths[0][0][0]}{letter}'")
        whens.append(f"ELSE '{letter}'")
        cases.append(f"WHEN a.stage = '{stage}' THEN CASE {' '.join(whens)} END")
    return f"CASE {' '.join(cases)} END"


def stage_history_sql() -> str:
    """INSERT the history of every verified adoption (none may have one yet)."""
    letters = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STAGES.items())
    return f"""
INSERT INTO municipalities_adoptionstagechange
    (adoption_id, from_stage, to_stage, stage_since, created_at, changed_by_id)
SELECT p.id,
    CASE WHEN n.i = 1 THEN '' ELSE CASE substr(p.path, n.i - 1, 1) {letters} END END,
    CASE substr(p.path, n.i, 1) {letters} END,
    CASE
        WHEN n.i = length(p.path) THEN p.stage_since
        WHEN n.i = 1 THEN p.started_on
        -- the middle stage of three: a day strictly between the first and the last
        ELSE p.started_on + 1 + CAST(p.h / 100 % (p.span - 1) AS INTEGER)
    END AS since,
    -- recorded when it took effect (noon), in the order of the path
    CAST(p.started_on AS TIMESTAMP) AT TIME ZONE 'UTC' + INTERVAL '12 hours'
        + (CASE
            WHEN n.i = length(p.path) THEN p.span
            WHEN n.i = 1 THEN 0
            ELSE 1 + CAST(p.h / 100 % (p.span - 1) AS INTEGER)
          END) * INTERVAL '1 day' + n.i * INTERVAL '1 second',
    NULL
FROM (
    SELECT a.*, {_path_sql()} AS path
    FROM (
        SELECT id, stage, started_on, stage_since, stage_since - started_on AS span,
            id * 2654435761 % 4294967296 AS h
        FROM municipalities_adoption
        WHERE verification = 'verified'
    ) a
) p
CROSS JOIN LATERAL generate_series(1, length(p.path)) AS n(i)
ORDER BY p.id, n.i
"""  # noqa: S608 - fixed SQL from the constants above  # nosec B608


def stage_history() -> int:
    """Fill the history of the generated adoptions; returns how many rows."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(stage_history_sql())
        rows = cursor.rowcount
    sys.stderr.write(
        f"  stage history            {time.perf_counter() - started:6.1f} s ({rows:,} rows)\n"
    )
    return rows
