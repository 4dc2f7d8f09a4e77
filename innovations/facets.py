"""The catalogue's facets: how many innovations each filter value would give.

Everything counted is a column of the innovation itself: its route, maturity, supplier,
its domains as bits (`domain_mask`, kept with the domain links), and the adoption facts that
municipalities keeps on it (`adoption_count`, the adopters' provinces as bits in
`adopter_province_mask`, see adoption_facts.innovation_adoption_facts_set). Nothing here reads
adoptions, municipalities or the domain link table.

Each facet is counted over the filtered catalogue without that facet's own filter (so
choosing a route still shows how many the other route has). All of it is one statement,
one pass over the searched (or whole) catalogue, whatever the filters: the rows are grouped
by the four one-valued facets (route, maturity, supplier size, in use: about a hundred
groups), and each group sums the domain and province bits, each sum filtered by the
other bit filter. The filters on the grouped columns are then applied to the groups here,
in Python. On PostgreSQL the unfiltered pass is an index-only scan of the covering index
`innovation_published_facets` (docs/performance.md has the plan)."""

from collections.abc import Mapping

from django.db import connection
from django.db.models import F, Q, QuerySet

from core.countries import Province, province_mask
from core.database import on_postgresql

from .enums import Domain, domain_mask
from .models import Innovation

FACETS = ("domain", "route", "supplier_size", "maturity", "province", "has_adoptions")


def adopted() -> Q:
    """Condition: the innovation has at least one verified adoption."""
    return Q(adoption_count__gt=0)


def in_province(queryset: QuerySet[Innovation], code: str) -> QuerySet[Innovation]:
    """The innovations of `queryset` with a verified adopter in province `code` (ISO
    3166-2): a bit test on `adopter_province_mask`, which the covering index
    innovation_published_facets carries, so that the filtered list and its count need no
    other read (a containment test on the JSON list went through a GIN index and then read
    every matching row of the table: 0.8 s for a province's 19,000 at national scale)."""
    return queryset.alias(
        province_hit=F("adopter_province_mask").bitand(province_mask([code]))
    ).filter(province_hit__gt=0)


def in_domains(queryset: QuerySet[Innovation], codes) -> QuerySet[Innovation]:
    """The innovations of `queryset` in any of the domains `codes`: a bit test on
    `domain_mask` (no join with the link table)."""
    return queryset.alias(domain_hit=F("domain_mask").bitand(domain_mask(codes))).filter(
        domain_hit__gt=0
    )


def _base_sql(queryset: QuerySet[Innovation]) -> tuple[str, tuple]:
    base = queryset.order_by().values_list(
        "route",
        "maturity",
        "supplier_size",
        "adoption_count",
        "adopter_province_mask",
        "domain_mask",
    )
    sql, params = base.query.sql_with_params()
    return sql, tuple(params)


def _bit_sums(column: str, bits: int, condition: str) -> list[str]:
    """One sum per bit of `column` over the rows meeting `condition` (fixed SQL)."""
    if on_postgresql():
        return [f"SUM((b.{column} >> {n}) & 1) FILTER (WHERE {condition})" for n in range(bits)]
    return [
        f"SUM(CASE WHEN {condition} THEN (b.{column} >> {n}) & 1 ELSE 0 END)" for n in range(bits)
    ]


def facet_counts(base: QuerySet[Innovation], selected: Mapping[str, object]) -> dict[str, dict]:
    """Counts per value of every facet over `base` (the published catalogue, searched if
    there is a search) under the filters `selected` (cleaned values of the catalogue's
    filters: domain, route, supplier_size, maturity_min, maturity_max, province,
    has_adoptions; empty values mean no filter), each facet without its own filter.
    "total" ({"all": n}) counts the catalogue with every filter. One statement."""
    domains = list(selected.get("domain") or [])
    province = selected.get("province") or ""
    # Bit filters, applied in the statement; both are fixed SQL with integer parameters.
    domain_condition = "(b.domain_mask & %s) <> 0" if domains else "1 = 1"
    province_condition = "(b.province_mask & %s) <> 0" if province else "1 = 1"
    domain_params = [domain_mask(domains)] if domains else []
    province_params = [province_mask([province])] if province else []
    both = f"{domain_condition} AND {province_condition}"
    if on_postgresql():
        counted = f"COUNT(*) FILTER (WHERE {both})"
    else:
        counted = f"SUM(CASE WHEN {both} THEN 1 ELSE 0 END)"
    columns = [
        counted,
        *_bit_sums("domain_mask", len(Domain.values), province_condition),
        *_bit_sums("province_mask", len(Province.values), domain_condition),
    ]
    params = (
        [*domain_params, *province_params]
        + province_params * len(Domain.values)
        + domain_params * len(Province.values)
    )
    sql, base_params = _base_sql(base)
    where, where_params = _pruning(selected)
    # The ORM's compiled SQL and fixed fragments only; values are parameters.
    head = "WITH b (route, maturity, supplier_size, adoption_count, province_mask, domain_mask)"
    select = "SELECT b.route, b.maturity, b.supplier_size, b.adoption_count > 0"
    statement = (
        f"{head} AS ({sql}) {select}, {', '.join(columns)} FROM b {where} GROUP BY 1, 2, 3, 4"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*base_params, *params, *where_params])  # nosec B608
        groups = cursor.fetchall()
    return _combine(groups, selected)


def _conditions(selected: Mapping[str, object]) -> list[tuple[str, list]]:
    """The filters in use as conditions on the base `b` (fixed SQL, values as parameters),
    one per facet."""
    found = []
    if selected.get("domain"):
        found.append(("(b.domain_mask & %s) <> 0", [domain_mask(selected["domain"])]))
    if selected.get("province"):
        found.append(("(b.province_mask & %s) <> 0", [province_mask([selected["province"]])]))
    for name in ("route", "supplier_size"):
        if selected.get(name):
            found.append((f"b.{name} = %s", [selected[name]]))
    low, high = selected.get("maturity_min"), selected.get("maturity_max")
    if low is not None or high is not None:
        found.append(("b.maturity BETWEEN %s AND %s", [low or 1, high or 9]))
    if selected.get("has_adoptions"):
        found.append(
            (f"b.adoption_count {'>' if selected['has_adoptions'] == 'true' else '='} 0", [])
        )
    return found


def _pruning(selected: Mapping[str, object]) -> tuple[str, list]:
    """WHERE: leave out the rows that fail two filters or more, which no facet counts (each
    facet leaves out one filter, its own). Nothing to leave out with fewer than two."""
    conditions = _conditions(selected)
    if len(conditions) < 2:
        return "", []
    # COALESCE: a missing maturity fails its filter.
    failed = " + ".join(
        f"CASE WHEN COALESCE({sql}, FALSE) THEN 0 ELSE 1 END" for sql, _ in conditions
    )
    return f"WHERE {failed} <= 1", [p for _, params in conditions for p in params]


def _combine(groups, selected: Mapping[str, object]) -> dict[str, dict]:
    """The facet counts from the grouped rows: the filters on the grouped columns applied
    to each group, each facet without its own."""
    route = selected.get("route") or ""
    size = selected.get("supplier_size") or ""
    low, high = selected.get("maturity_min"), selected.get("maturity_max")
    in_use = selected.get("has_adoptions") or ""
    counts: dict[str, dict] = {facet: {} for facet in FACETS}
    counts["has_adoptions"] = {"true": 0, "false": 0}
    total = 0
    n_domains = len(Domain.values)
    for g_route, g_maturity, g_size, g_adopted, n, *sums in groups:
        adopted_value = "true" if g_adopted else "false"
        passes = {
            "route": not route or g_route == route,
            "supplier_size": not size or g_size == size,
            "maturity": (low is None and high is None)
            or (
                g_maturity is not None
                and (low is None or g_maturity >= low)
                and (high is None or g_maturity <= high)
            ),
            "has_adoptions": not in_use or adopted_value == in_use,
        }
        n = n or 0
        values = {
            "route": g_route,
            "supplier_size": g_size,
            "maturity": g_maturity,
            "has_adoptions": adopted_value,
        }
        for facet, value in values.items():
            if n and value is not None and all(ok for f, ok in passes.items() if f != facet):
                counts[facet][value] = counts[facet].get(value, 0) + n
        if all(passes.values()):
            total += n
            for bits, facet, codes in (
                (sums[:n_domains], "domain", Domain.values),
                (sums[n_domains:], "province", Province.values),
            ):
                for code, found in zip(codes, bits, strict=True):
                    if found:
                        counts[facet][code] = counts[facet].get(code, 0) + int(found)
    counts["total"] = {"all": total}
    return counts
