"""How pilots ended: of the verified adoptions that were once a pilot, which led to
implementation or scaling, which ended without, and which are still running. Read from
the verified states only (the stage history keeps every verified state)."""

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from .enums import Stage
from .models import Adoption, AdoptionStageChange

ONWARD = "onward"  # went on to implementation or scaling (also when it ended later)
ENDED = "ended"  # ended without being implemented or scaled
RUNNING = "running"  # still a pilot
ONWARD_STAGES = (Stage.IMPLEMENTED, Stage.SCALED)


def with_pilot_history(adoptions: QuerySet[Adoption]) -> QuerySet[Adoption]:
    """`adoptions` annotated with `was_pilot` and `reached` (implemented or scaled) from
    their verified stage history, in the same query."""
    history = AdoptionStageChange.objects.filter(adoption=OuterRef("pk"))
    return adoptions.annotate(
        was_pilot=Exists(history.filter(to_stage=Stage.PILOT)),
        reached=Exists(history.filter(to_stage__in=ONWARD_STAGES)),
    )


def count_outcomes(adoptions) -> dict[str, int]:
    """pilot_outcomes() over verified adoptions already loaded with_pilot_history()."""
    counts = {"total": 0, ONWARD: 0, ENDED: 0, RUNNING: 0}
    for adoption in adoptions:
        if adoption.stage != Stage.PILOT and not adoption.was_pilot:
            continue
        adoption.went_onward = adoption.stage in ONWARD_STAGES or adoption.reached
        counts["total"] += 1
        counts[outcome_of(adoption)] += 1
    return counts


def verified_pilots(adoptions: QuerySet[Adoption]) -> QuerySet[Adoption]:
    """The verified adoptions of `adoptions` that were once a pilot, annotated with
    `went_onward`: whether they reached implementation or scaling."""
    history = AdoptionStageChange.objects.filter(adoption=OuterRef("pk"))
    return (
        adoptions.filter(verification="verified")
        .annotate(
            was_pilot=Exists(history.filter(to_stage=Stage.PILOT)),
            reached=Exists(history.filter(to_stage__in=ONWARD_STAGES)),
        )
        .filter(Q(stage=Stage.PILOT) | Q(was_pilot=True))
        .annotate(
            went_onward=ExpressionWrapper(
                Q(stage__in=ONWARD_STAGES) | Q(reached=True), output_field=BooleanField()
            )
        )
    )


def outcome_of(adoption: Adoption) -> str:
    if adoption.went_onward:
        return ONWARD
    return RUNNING if adoption.stage == Stage.PILOT else ENDED


def pilot_outcomes(adoptions: QuerySet[Adoption]) -> dict[str, int]:
    """Counts of `adoptions`' verified pilots by outcome, and their total; one query."""
    counts = verified_pilots(adoptions).aggregate(
        total=Count("pk"),
        onward=Count("pk", filter=Q(went_onward=True)),
        running=Count("pk", filter=Q(went_onward=False, stage=Stage.PILOT)),
        ended=Count("pk", filter=Q(went_onward=False) & ~Q(stage=Stage.PILOT)),
    )
    return {key: counts[key] or 0 for key in ("total", ONWARD, ENDED, RUNNING)}


def finished_pilots(adoptions: QuerySet[Adoption], *, limit: int) -> list[tuple[Adoption, str]]:
    """The verified pilots of `adoptions` that are no longer running, latest change first,
    each with its outcome."""
    finished = (
        verified_pilots(adoptions)
        .exclude(stage=Stage.PILOT)
        .select_related("innovation")
        .order_by("-stage_since", "-id")[:limit]
    )
    return [(adoption, outcome_of(adoption)) for adoption in finished]
