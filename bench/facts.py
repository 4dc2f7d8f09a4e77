"""The facts the services keep beside the data (the adoption facts on each innovation, each
adoption's adopter order and pilot outcome, the domain bits), filled by the generator in one
statement each, as COPY bypassed the services. tests/bench checks that they agree with the
services."""

import sys
import time

from django.db import connection


# The adoption facts municipalities keeps on each innovation (municipalities/adoption_facts.py,
# which does the same per innovation in Python): here in one statement, as COPY bypassed the
# services. tests/bench checks that both agree.
def _adoption_facts_sql() -> str:
    from core.countries import Province

    bits = " ".join(f"WHEN '{code}' THEN {1 << n}" for n, code in enumerate(Province.values))
    return f"""
UPDATE innovations_innovation i SET adoption_count = f.n, adopter_provinces = f.provinces,
    adopter_province_mask = f.mask
FROM (
    SELECT a.innovation_id, COUNT(*) AS n,
        COALESCE(jsonb_agg(DISTINCT m.province_code ORDER BY m.province_code)
            FILTER (WHERE m.province_code <> ''), '[]'::jsonb) AS provinces,
        COALESCE(SUM(DISTINCT CASE m.province_code {bits} ELSE 0 END), 0) AS mask
    FROM municipalities_adoption a
    JOIN municipalities_municipality m ON m.id = a.municipality_id
    WHERE a.verification = 'verified'
    GROUP BY a.innovation_id
) f
WHERE f.innovation_id = i.id
"""  # noqa: S608 - fixed SQL from the Province enum  # nosec B608


# The domain bits innovations keeps with the domain links (innovations/domain_links.py):
# here in one statement, as COPY bypassed the service.
def _domain_masks_sql() -> str:
    from innovations.enums import Domain

    bits = " ".join(f"WHEN '{code}' THEN {1 << n}" for n, code in enumerate(Domain.values))
    return f"""
UPDATE innovations_innovation i SET domain_mask = d.mask
FROM (
    SELECT innovation_id, SUM(DISTINCT CASE domaintag_id {bits} ELSE 0 END) AS mask
    FROM innovations_innovation_domains GROUP BY innovation_id
) d
WHERE d.innovation_id = i.id
"""  # noqa: S608 - fixed SQL from the Domain enum  # nosec B608


def fill_domain_masks() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(_domain_masks_sql())
    sys.stderr.write(f"  domain bits              {time.perf_counter() - started:6.1f} s\n")


# Each verified adoption's place among its innovation's verified adopters, as
# municipalities/adoption_facts.adopter_order_refresh keeps it, and its pilot outcome from its
# verified stage history (bench/history.py, generated before), as
# adoption_facts.pilot_outcome_refresh keeps it (tests/bench checks both): one UPDATE of the
# verified rows for both.
ADOPTER_ORDER_SQL = """
UPDATE municipalities_adoption SET adopter_order = r.o, pilot_outcome = r.outcome
FROM (
    SELECT a.id, RANK() OVER (PARTITION BY a.innovation_id ORDER BY a.started_on) AS o,
        CASE
            WHEN NOT (a.stage = 'pilot' OR COALESCE(h.was_pilot, FALSE)) THEN ''
            WHEN a.stage IN ('implemented', 'scaled') OR COALESCE(h.reached, FALSE) THEN 'onward'
            WHEN a.stage = 'pilot' THEN 'running'
            ELSE 'ended'
        END AS outcome
    FROM municipalities_adoption a
    LEFT JOIN (
        SELECT adoption_id, bool_or(to_stage = 'pilot') AS was_pilot,
            bool_or(to_stage IN ('implemented', 'scaled')) AS reached
        FROM municipalities_adoptionstagechange GROUP BY adoption_id
    ) h ON h.adoption_id = a.id
    WHERE a.verification = 'verified'
) r
WHERE municipalities_adoption.id = r.id
"""


def fill_adoption_facts() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(_adoption_facts_sql())
        cursor.execute(ADOPTER_ORDER_SQL)
    sys.stderr.write(f"  adoption facts           {time.perf_counter() - started:6.1f} s\n")
