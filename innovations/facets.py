"""The catalogue's facets: how many innovations each filter value would give.

Everything counted is a column of the innovation itself: its route, maturity, supplier,
domains, and the adoption facts that municipalities keeps on it (`adoption_count`,
`adopter_provinces`, see adoption_facts.innovation_adoption_facts_set). Nothing here reads
adoptions or municipalities.

Each facet is counted over the filtered catalogue without that facet's own filter (so
choosing a route still shows how many the other route has). Facets whose own filter is not
in use share one base, the filtered catalogue itself. Every distinct base is read once for
the scalar facets and the provinces (one FILTER-ed count per value, the provinces as bits
of `adopter_province_mask`) and once joined with the domains. On PostgreSQL the unfiltered
catalogue is an index-only scan of the covering index `innovation_published_facets`."""

from collections.abc import Mapping

from django.db import connection
from django.db.models import Q, QuerySet

from core.countries import Province
from core.database import on_postgresql

from .enums import Route, SupplierSize
from .models import Innovation

FACETS = ("domain", "route", "supplier_size", "maturity", "province", "has_adoptions")


def adopted() -> Q:
    """Condition: the innovation has at least one verified adoption."""
    return Q(adoption_count__gt=0)


def adopted_in_province(code: str) -> Q:
    """Condition: a verified adopter of the innovation lies in province `code` (ISO 3166-2)."""
    if on_postgresql():
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
        "pk", "route", "maturity", "supplier__size", "adoption_count", "adopter_province_mask"
    )
    sql, params = base.query.sql_with_params()
    return sql, tuple(params)


def _counted() -> list[tuple[str, object, str]]:
    """(facet, value, condition on the base `b`) of every scalar facet value and province:
    fixed SQL from the enums, nothing from a request. "total" counts the base itself."""
    counted = [("total", "all", "TRUE")]
    counted += [("route", value, f"b.route = '{value}'") for value in Route.values]
    counted += [("supplier_size", v, f"b.supplier_size = '{v}'") for v in SupplierSize.values]
    counted += [("maturity", level, f"b.maturity = {level}") for level in range(1, 10)]
    counted += [
        ("has_adoptions", "true", "b.adoption_count > 0"),
        ("has_adoptions", "false", "b.adoption_count = 0"),
    ]
    counted += [
        ("province", code, f"(b.province_mask & {1 << n}) <> 0")
        for n, code in enumerate(Province.values)
    ]
    return counted


_COLUMNS = "id, route, maturity, supplier_size, adoption_count, province_mask"
_DOMAIN_SQL = (
    "SELECT d.domaintag_id, COUNT(*) FROM b "
    "JOIN innovations_innovation_domains d ON d.innovation_id = b.id GROUP BY d.domaintag_id"
)


def _count(queryset: QuerySet[Innovation], facets: set[str]) -> dict[str, dict]:
    sql, params = _base_sql(queryset)
    counts: dict[str, dict] = {facet: {} for facet in facets}
    counted = [c for c in _counted() if c[0] in facets]
    if on_postgresql():
        aggregates = ", ".join(f"COUNT(*) FILTER (WHERE {c})" for _, _, c in counted)
    else:
        aggregates = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for _, _, c in counted)
    # Only the ORM's compiled SQL and fixed fragments go into the statements; values are
    # parameters.
    base = f"WITH b ({_COLUMNS}) AS ({sql}) "
    with connection.cursor() as cursor:
        if counted:
            # A base read once for every value (a fixed list: 35 counts).
            cursor.execute(base + f"SELECT {aggregates} FROM b", params)  # noqa: S608  # nosec B608
            for (facet, value, _), n in zip(counted, cursor.fetchone(), strict=True):
                if n or facet == "total":
                    counts[facet][value] = n or 0
        if "domain" in facets:
            cursor.execute(base + _DOMAIN_SQL, params)  # nosec B608
            counts["domain"] = dict(cursor.fetchall())
    return counts


def facet_counts(bases: Mapping[str, QuerySet[Innovation]]) -> dict[str, dict]:
    """Counts per value of each facet in `bases` (facet → queryset to count it over).

    Facets given the same queryset object are counted in one statement. The facet "total"
    counts the innovations of its queryset ({"all": n})."""
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
