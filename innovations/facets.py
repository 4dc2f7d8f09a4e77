"""The catalogue's facets: how many innovations each filter value would give.

Everything counted is a column of the innovation itself: its route, maturity, supplier,
domains, and the adoption facts that municipalities keeps on it (`adoption_count`,
`adopter_provinces`, see services.innovation_adoption_facts_set). Nothing here reads
adoptions or municipalities.

Each facet is counted over the filtered catalogue without that facet's own filter (so
choosing a route still shows how many the other route has). Facets whose own filter is not
in use share one base, the filtered catalogue itself; every distinct base is counted in one
statement that reads the base once (a materialized CTE) and groups it per facet. On
PostgreSQL the unfiltered catalogue is an index-only scan of the covering index
`innovation_published_facets`."""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Innovation

FACETS = ("domain", "route", "supplier_size", "maturity", "province", "has_adoptions")

# The base's columns, as the CTE names them.
_COLUMNS = ["id", "route", "maturity", "supplier_size", "adoption_count", "provinces"]


def adopted() -> Q:
    """Condition: the innovation has at least one verified adoption."""
    return Q(adoption_count__gt=0)


def adopted_in_province(code: str) -> Q:
    """Condition: a verified adopter of the innovation lies in province `code` (ISO 3166-2)."""
    if connection.vendor == "postgresql":
        # jsonb @> '["NL-UT"]', served by the GIN index innovation_adopter_provinces_gin.
        return Q(adopter_provinces__contains=[code])
    # SQLite has no JSON containment; the codes are plain strings in a JSON list.
    return Q(pk__in=_ids_with_province(code))


def _ids_with_province(code: str):
    from django.db.models.expressions import RawSQL

    # Fixed SQL; the code is a parameter.
    return RawSQL(  # noqa: S611  # nosec B611
        "SELECT i.id FROM innovations_innovation i, json_each(i.adopter_provinces) p "
        "WHERE p.value = %s",
        [code],
    )


def _base_sql(queryset: QuerySet[Innovation]) -> tuple[str, tuple]:
    base = queryset.order_by().values_list(
        "pk", "route", "maturity", "supplier__size", "adoption_count", "adopter_provinces"
    )
    sql, params = base.query.sql_with_params()
    return sql, tuple(params)


# One grouped SELECT over the base `b` per facet: (facet, value as text, count). Fixed
# SQL: nothing from a request is ever part of it.
_FACET_SQL = {
    "route": "SELECT 'route', b.route, COUNT(*) FROM b GROUP BY b.route",
    "supplier_size": (
        "SELECT 'supplier_size', b.supplier_size, COUNT(*) FROM b GROUP BY b.supplier_size"
    ),
    "maturity": "SELECT 'maturity', CAST(b.maturity AS TEXT), COUNT(*) FROM b GROUP BY 2",
    "has_adoptions": (
        "SELECT 'has_adoptions', CASE WHEN b.adoption_count > 0 THEN 'true' ELSE 'false' END, "
        "COUNT(*) FROM b GROUP BY 2"
    ),
    "domain": (
        "SELECT 'domain', d.domaintag_id, COUNT(*) FROM b "
        "JOIN innovations_innovation_domains d ON d.innovation_id = b.id GROUP BY d.domaintag_id"
    ),
}
_PROVINCE_SQL = {
    "postgresql": (
        "SELECT 'province', p.code, COUNT(*) FROM b, "
        "jsonb_array_elements_text(b.provinces) AS p(code) GROUP BY p.code"
    ),
    "sqlite": (
        "SELECT 'province', p.value, COUNT(*) FROM b, json_each(b.provinces) AS p GROUP BY p.value"
    ),
}


def _parts(facets: set[str]) -> list[str]:
    parts = [sql for facet, sql in _FACET_SQL.items() if facet in facets]
    if "province" in facets:
        parts.append(_PROVINCE_SQL["postgresql" if connection.vendor == "postgresql" else "sqlite"])
    return parts


def _count(queryset: QuerySet[Innovation], facets: set[str]) -> dict[str, dict]:
    sql, params = _base_sql(queryset)
    columns = ", ".join(_COLUMNS)
    union = " UNION ALL ".join(_parts(facets))
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    # Only the ORM's compiled SQL and fixed fragments go into the statement; values are
    # parameters.
    statement = f"WITH b ({columns}) AS {materialized}({sql}) {union}"  # noqa: S608  # nosec B608
    counts: dict[str, dict] = {facet: {} for facet in facets}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for facet, value, n in cursor.fetchall():
            if value is None:
                continue
            if facet == "maturity":
                value = int(value)
            counts[facet][value] = n
    return counts


def facet_counts(bases: Mapping[str, QuerySet[Innovation]]) -> dict[str, dict]:
    """Counts per value of each facet in `bases` (facet → queryset to count it over).

    Facets given the same queryset object are counted in one statement."""
    groups: dict[int, tuple[QuerySet, set[str]]] = {}
    for facet, queryset in bases.items():
        groups.setdefault(id(queryset), (queryset, set()))[1].add(facet)
    counts: dict[str, dict] = {}
    for queryset, facets in groups.values():
        counts.update(_count(queryset, facets))
    for facet in ("has_adoptions",):
        if facet in counts:
            counts[facet] = {"true": 0, "false": 0, **counts[facet]}
    return counts
