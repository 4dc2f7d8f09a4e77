"""What the catalogue shows about the use of innovations, pushed down to innovations.

The catalogue (innovations) shows each innovation's number of verified adoptions and
filters and counts by the provinces of its verified adopters, but the layers forbid it to
read adoptions or municipalities. So municipalities, which owns both, recomputes these
facts for the innovations concerned whenever a verified adoption changes (verified,
un-verified, its municipality's province changed) and tells innovations through its
service, in the same transaction."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When

from innovations.adoption_facts import innovation_adoption_facts_set
from innovations.models import Innovation

from .enums import Stage, Verification
from .models import Adoption, AdoptionStageChange

BATCH = 2000


def adoption_facts(innovation_ids: Iterable[int]) -> dict[int, tuple[int, list[str]]]:
    """Per innovation id: (verified adoptions, sorted province codes of their municipalities);
    (0, []) for an innovation without any."""
    ids = list(innovation_ids)
    facts: dict[int, tuple[int, list[str]]] = {pk: (0, []) for pk in ids}
    verified = Adoption.objects.verified().filter(innovation_id__in=ids).order_by()
    counts = dict(
        verified.values("innovation_id").annotate(n=Count("pk")).values_list("innovation_id", "n")
    )
    provinces: dict[int, set[str]] = defaultdict(set)
    for innovation_id, code in verified.values_list(
        "innovation_id", "municipality__province_code"
    ).distinct():
        if code:
            provinces[innovation_id].add(code)
    for pk, n in counts.items():
        facts[pk] = (n, sorted(provinces[pk]))
    return facts


def adoption_facts_refresh(*, innovation_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the facts of `innovation_ids` (every innovation if None): on
    the innovation its count and adopters' provinces, on each of its adoptions its
    adopter order. Idempotent; returns how many innovations changed. Call it inside the
    transaction that changes the verified state of an adoption."""
    if innovation_ids is None:
        innovation_ids = Innovation.objects.order_by("pk").values_list("pk", flat=True)
    ids = list(dict.fromkeys(innovation_ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        changed += innovation_adoption_facts_set(facts=adoption_facts(batch))
        adopter_order_refresh(batch)
    return changed


ADOPTION = Adoption._meta.db_table
# Each verified adoption's place among its innovation's verified adopters by start date
# (RANK: ties share the better place), and None on the others; rows already right are left
# alone. Fixed SQL with a quoted table name; the ids and the state are parameters.
_ORDER_SQL = f"""
UPDATE {ADOPTION} SET adopter_order = r.o
FROM (
    SELECT id, RANK() OVER (PARTITION BY innovation_id ORDER BY started_on) AS o
    FROM {ADOPTION} WHERE verification = %s AND innovation_id IN ({{ids}})
) r
WHERE {ADOPTION}.id = r.id
    AND ({ADOPTION}.adopter_order IS NULL OR {ADOPTION}.adopter_order <> r.o)
"""  # noqa: S608  # nosec B608
_UNORDER_SQL = f"""
UPDATE {ADOPTION} SET adopter_order = NULL
WHERE verification <> %s AND adopter_order IS NOT NULL AND innovation_id IN ({{ids}})
"""  # noqa: S608  # nosec B608


def adopter_order_refresh(innovation_ids: list[int]) -> None:
    """Store the adopter order of every adoption of `innovation_ids` (two statements)."""
    if not innovation_ids:
        return
    placeholders = ", ".join(["%s"] * len(innovation_ids))
    with connection.cursor() as cursor:
        for sql in (_ORDER_SQL, _UNORDER_SQL):
            cursor.execute(sql.format(ids=placeholders), [Verification.VERIFIED, *innovation_ids])


def adoption_facts_refresh_for_municipalities(*, municipality_ids: Iterable[int]) -> int:
    """After municipalities moved to another province: refresh the innovations they verified."""
    innovation_ids = (
        Adoption.objects.verified()
        .filter(municipality_id__in=list(municipality_ids))
        .values_list("innovation_id", flat=True)
        .distinct()
    )
    return adoption_facts_refresh(innovation_ids=list(innovation_ids))


# Pilot outcomes (municipalities.pilots): the values of Adoption.pilot_outcome.
RUNNING = "running"  # still a pilot
ONWARD = "onward"  # went on to implementation or scaling (also when it ended later)
ENDED = "ended"  # ended without being implemented or scaled
ONWARD_STAGES = (Stage.IMPLEMENTED, Stage.SCALED)


def pilot_outcome_refresh(*, adoption_ids: Iterable[int] | None) -> None:
    """Store the pilot outcome of `adoption_ids` (every adoption if None; one UPDATE): for a
    verified adoption that is a pilot or has a verified pilot stage in its history, whether
    it went on to implementation or scaling (now or ever), is still a pilot, or ended; ""
    otherwise. Call it inside the transaction where a verified state takes effect, after its
    history row."""
    history = AdoptionStageChange.objects.filter(adoption=OuterRef("pk"))
    was_pilot = Q(stage=Stage.PILOT) | Exists(history.filter(to_stage=Stage.PILOT))
    reached = Q(stage__in=ONWARD_STAGES) | Exists(history.filter(to_stage__in=ONWARD_STAGES))
    adoptions = Adoption.objects.all()
    if adoption_ids is not None:
        adoptions = adoptions.filter(pk__in=list(adoption_ids))
    adoptions.update(
        pilot_outcome=Case(
            When(~Q(verification=Verification.VERIFIED), then=Value("")),
            When(~was_pilot, then=Value("")),
            When(reached, then=Value(ONWARD)),
            When(stage=Stage.PILOT, then=Value(RUNNING)),
            default=Value(ENDED),
        )
    )
