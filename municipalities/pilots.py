"""How pilots ended: of the verified adoptions that were once a pilot, which led to
implementation or scaling, which ended without, and which are still running. Read from
each adoption's pilot outcome (`Adoption.pilot_outcome`), which
adoption_facts.pilot_outcome_refresh keeps from the verified states (the stage history
keeps every verified state) where a verified state takes effect."""

from django.db.models import Count, Q, QuerySet

from .adoption_facts import ENDED, ONWARD, RUNNING
from .enums import Stage, Verification
from .models import Adoption


def count_outcomes(adoptions) -> dict[str, int]:
    """pilot_outcomes() over verified adoptions already loaded."""
    counts = {"total": 0, ONWARD: 0, ENDED: 0, RUNNING: 0}
    for adoption in adoptions:
        if adoption.verification != Verification.VERIFIED or not adoption.pilot_outcome:
            continue
        counts["total"] += 1
        counts[adoption.pilot_outcome] += 1
    return counts


def verified_pilots(adoptions: QuerySet[Adoption]) -> QuerySet[Adoption]:
    """The verified adoptions of `adoptions` that were once a pilot."""
    return adoptions.filter(verification=Verification.VERIFIED).exclude(pilot_outcome="")


def pilot_outcomes(adoptions: QuerySet[Adoption]) -> dict[str, int]:
    """Counts of `adoptions`' verified pilots by outcome, and their total; one query."""
    counts = verified_pilots(adoptions).aggregate(
        total=Count("pk"),
        onward=Count("pk", filter=Q(pilot_outcome=ONWARD)),
        running=Count("pk", filter=Q(pilot_outcome=RUNNING)),
        ended=Count("pk", filter=Q(pilot_outcome=ENDED)),
    )
    return {key: counts[key] or 0 for key in ("total", ONWARD, ENDED, RUNNING)}


def finished_pilots(adoptions: QuerySet[Adoption], *, limit: int) -> list[tuple[Adoption, str]]:
    """The verified pilots of `adoptions` that are no longer running, latest change first,
    each with its outcome."""
    order = ("-stage_since", "-id")
    # Their ids first (PostgreSQL: from the covering index, which carries the outcome), then
    # those rows only: a large municipality's finished pilots lie on thousands of pages.
    chosen = verified_pilots(adoptions).exclude(stage=Stage.PILOT).order_by(*order)
    finished = (
        Adoption.objects.filter(pk__in=chosen.values("pk")[:limit])
        .select_related("innovation")
        .order_by(*order)
    )
    return [(adoption, adoption.pilot_outcome) for adoption in finished]
