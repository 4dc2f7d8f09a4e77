"""Reads about adoptions and challenges that span models: the verification queue, open
challenges and "municipalities like yours". Matchmaking: matchmaking.py."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.database import on_postgresql
from innovations.access import supplier_for
from innovations.models import Innovation

from .enums import Stage, Verification
from .models import Adoption, AdoptionChange, Challenge, Municipality

# --- Adoptions ----------------------------------------------------------------------------


def verification_queue(user=None) -> QuerySet[Adoption]:
    """Adoptions with a claim waiting for a reviewer, oldest claim first: new adoptions, and
    verified ones with a claimed change (annotated: `change_id`, `change_stage`,
    `waiting_since`). For `user`, without the ones they may not verify
    (access.adoption_verify_conflict): their own claims and adoptions of their own
    supplier's innovations."""
    waiting = AdoptionChange.objects.filter(
        adoption=OuterRef("pk"), status=Verification.CLAIMED
    ).order_by()
    queryset = (
        Adoption.objects.annotate(
            change_id=Subquery(waiting.values("pk")[:1]),
            change_stage=Subquery(waiting.values("stage")[:1]),
            change_claimed_by=Subquery(waiting.values("claimed_by")[:1]),
            change_claimed_at=Subquery(waiting.values("created_at")[:1]),
        )
        .filter(Q(verification=Verification.CLAIMED) | Q(change_id__isnull=False))
        .annotate(
            waiting_since=Coalesce("change_claimed_at", "created_at"),
            # Whose claim waits: the change's claimant, else the adoption's (0: nobody's).
            claimant=Coalesce(
                "change_claimed_by", "claimed_by_id", Value(0), output_field=IntegerField()
            ),
        )
        .select_related("municipality", "innovation__supplier", "claimed_by")
        .order_by("waiting_since", "id")
    )
    if user is not None:
        queryset = queryset.exclude(claimant=user.pk)
        supplier = supplier_for(user)
        if supplier is not None:
            queryset = queryset.exclude(innovation__supplier=supplier)
    return queryset


def public_adoptions() -> QuerySet[Adoption]:
    """Verified adoptions of published innovations, with what every list shows."""
    return Adoption.objects.public().select_related(
        "municipality", "innovation__supplier", "evaluation"
    )


def _most_advanced_first():
    stage_order = Case(
        When(stage="scaled", then=Value(0)),
        When(stage="implemented", then=Value(1)),
        When(stage="pilot", then=Value(2)),
        default=Value(3),
    )
    return [stage_order, "-stage_since", "id"]


def municipality_adoptions(municipality: Municipality, page=None) -> QuerySet[Adoption]:
    """What a municipality's page shows: its verified adoptions, most advanced first; with
    `page` (a slice of municipality_adoption_ids()), only those."""
    adoptions = public_adoptions().filter(municipality=municipality)
    if page is not None:
        adoptions = adoptions.filter(pk__in=page)
    return adoptions.order_by(*_most_advanced_first())


def municipality_adoption_ids(municipality: Municipality) -> QuerySet:
    """The ids of municipality_adoptions(), in its order: to count them and choose a page
    on the indexes alone (PostgreSQL: the covering index of a municipality's adoptions and
    the published innovations' ids), before reading the page's rows (a large municipality
    has thousands; sorting their whole rows cost tens of milliseconds)."""
    return (
        Adoption.objects.public()
        .filter(municipality=municipality)
        .order_by(*_most_advanced_first())
        .values_list("pk", flat=True)
    )


def own_adoptions(municipality: Municipality) -> QuerySet[Adoption]:
    """Every adoption of a municipality, in any verification state (for its buyers)."""
    return (
        Adoption.objects.filter(municipality=municipality)
        .select_related("innovation", "evaluation")
        .order_by("-updated_at", "-id")
    )


def innovation_adopters(innovation: Innovation) -> QuerySet[Adoption]:
    """The verified adopters of one innovation, earliest first (at most one per
    municipality, but a widely used innovation has hundreds), with their evaluations (and,
    on each adoption, its pilot outcome for pilots.count_outcomes())."""
    return (
        Adoption.objects.verified()
        .filter(innovation=innovation)
        .select_related("municipality", "evaluation")
        .order_by("started_on", "id")
    )


# --- Challenges ---------------------------------------------------------------------------


def open_challenges() -> QuerySet[Challenge]:
    """Challenges the public sees: open and not past their deadline, soonest deadline first."""
    return (
        Challenge.objects.open()
        .filter(deadline__gte=timezone.localdate())
        .select_related("municipality")
        .annotate(response_count=Count("responses"))
        .order_by("deadline", "id")
    )


def own_challenges(municipality: Municipality) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(municipality=municipality)
        .annotate(
            response_count=Count("responses"),
            new_response_count=Count("responses", filter=Q(responses__status="new")),
        )
        .order_by("-status", "deadline", "id")  # "open" sorts before "closed" descending
    )


# --- Municipalities like yours ------------------------------------------------------------


class _InArrayOf(Expression):
    """`column = ANY(ARRAY(subquery))`: PostgreSQL computes an uncorrelated ARRAY(…) once
    per statement (an InitPlan), also where it sits in a subquery run for every row."""

    output_field = BooleanField()

    def __init__(self, column, subquery):
        super().__init__()
        self.column, self.subquery = column, subquery

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)  # "(SELECT …)"
        return f"{column} = ANY(ARRAY{subquery})", [*column_params, *subquery_params]


def _similar_municipality_ids(municipality: Municipality) -> QuerySet:
    """The ids of the other municipalities in the same province or size class."""
    return (
        Municipality.objects.filter(
            Q(province_code=municipality.province_code) | Q(size_class=municipality.size_class)
        )
        .exclude(pk=municipality.pk)
        .order_by()
        .values("pk")
    )


def similar_adoptions(municipality: Municipality) -> QuerySet[Adoption]:
    """Verified adoptions by other municipalities in the same province or size class that are
    still in use: an ended one is no reason to suggest an innovation (its evaluation, on the
    innovation's page, tells why it ended)."""
    similar = _similar_municipality_ids(municipality)
    adoptions = Adoption.objects.verified().exclude(stage=Stage.ENDED)
    if not on_postgresql():
        return adoptions.filter(municipality__in=similar)
    # Counted per innovation (similar_count), an innovation's few verified adoptions are
    # read through the innovation's index and checked against the similar municipalities'
    # ids, computed once per statement. (A join with the municipalities was planned as a
    # scan of every similar municipality per innovation. The "+ 0" keeps the planner from
    # probing the (municipality, innovation) index once per similar municipality, which it
    # would take for cheap, not knowing how many ids the array holds.)
    return adoptions.filter(
        _InArrayOf(
            ExpressionWrapper(F("municipality_id") + 0, output_field=IntegerField()),
            Subquery(similar),
        )
    )


def similar_count(municipality: Municipality):
    """How many verified adoptions by similar municipalities an innovation has, as an
    expression."""
    per_innovation = (
        similar_adoptions(municipality)
        .filter(innovation=OuterRef("pk"))
        .order_by()
        .values("innovation")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(per_innovation, output_field=IntegerField()), 0)


def used_by_similar_municipalities(municipality: Municipality, limit: int = 6):
    """Approved innovations with verified adoptions by municipalities in the same province
    or size class that `municipality` does not use (nor has claimed) yet, most used first
    (a tie at the cut: the older innovation), then by title. One query.

    Counted from the similar municipalities' adoptions (their covering index), grouped by
    innovation: asking each of a national catalogue's 100,000 innovations for its similar
    adopters took 1.3-2.8 s (SCALE=1); this takes 0.1-0.4 s."""
    similar = _similar_municipality_ids(municipality)
    own = Adoption.objects.filter(municipality=municipality).order_by().values("innovation")
    top = (
        Adoption.objects.verified()
        .exclude(stage=Stage.ENDED)
        .filter(municipality__in=similar)
        .filter(innovation__in=Innovation.objects.current().order_by().values("pk"))
        .exclude(innovation__in=own)
        .order_by()
        .values("innovation")
        .annotate(n=Count("pk"))
        .order_by("-n", "innovation")
        .values("innovation")[:limit]
    )
    return (
        Innovation.objects.filter(pk__in=top)
        .annotate(similar_count=similar_count(municipality))
        .select_related("supplier")
        .order_by("-similar_count", "title", "id")
    )
