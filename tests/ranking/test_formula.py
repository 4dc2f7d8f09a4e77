"""Formula v1 on hand-computed cases (DESIGN.md "Ranking (formula v1)")."""

import datetime

import pytest

from innovations.enums import Status
from municipalities.enums import Stage, Verification
from municipalities.models import Municipality
from ranking.models import RankingEntry
from ranking.selectors import contributions
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory

REF = datetime.date(2025, 1, 1)
pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """The n-th day of 2024 (day(0) = 2024-01-01)."""
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=n)


def adopt(municipality, innovation, *, started_on, stage=Stage.PILOT, stage_since=REF, **kw):
    """An adoption whose current stage began on the reference date unless told otherwise,
    so that recency is 1 and the points are stage × order."""
    return AdoptionFactory(
        municipality=municipality,
        innovation=innovation,
        stage=stage,
        started_on=started_on,
        stage_since=stage_since,
        **kw,
    )


def by_name(run, attribute: str = "points_micro") -> dict[str, object]:
    """`attribute` of each counted adoption under `run`, by municipality name (the cases
    here have one adoption per municipality)."""
    names = dict(Municipality.objects.values_list("pk", "name"))
    return {names[c.municipality_id]: getattr(c, attribute) for c in contributions(run)}


def points_by_municipality(run) -> dict[str, int]:
    return by_name(run)


def board(run) -> list[tuple]:
    return [
        (e.municipality.name, e.rank, e.score_micro)
        for e in RankingEntry.objects.filter(run=run).select_related("municipality")
    ]


def test_formula_order_factors_launching_customer_then_four_early_adopters():
    innovation = InnovationFactory()
    towns = [MunicipalityFactory(name=f"Gemeente {i}") for i in range(7)]
    for i, town in enumerate(towns):
        adopt(town, innovation, started_on=day(i))

    run = ranking_recompute(reference_date=REF)

    assert points_by_municipality(run) == {
        "Gemeente 0": 2_000_000,
        "Gemeente 1": 1_500_000,
        "Gemeente 2": 1_500_000,
        "Gemeente 3": 1_500_000,
        "Gemeente 4": 1_500_000,
        "Gemeente 5": 1_000_000,
        "Gemeente 6": 1_000_000,
    }


def test_formula_ties_in_start_date_share_the_better_order_factor():
    innovation = InnovationFactory()
    a, b, c, d, e, f, g = (MunicipalityFactory(name=name) for name in "ABCDEFG")
    adopt(a, innovation, started_on=day(0))
    adopt(b, innovation, started_on=day(0))  # shares launching customer with A
    adopt(c, innovation, started_on=day(1))  # order 3
    adopt(d, innovation, started_on=day(2))  # order 4
    adopt(e, innovation, started_on=day(3))  # order 5
    adopt(f, innovation, started_on=day(3))  # order 5 too: shares ×1.5
    adopt(g, innovation, started_on=day(4))  # order 7

    run = ranking_recompute(reference_date=REF)

    assert points_by_municipality(run) == {
        "A": 2_000_000,
        "B": 2_000_000,
        "C": 1_500_000,
        "D": 1_500_000,
        "E": 1_500_000,
        "F": 1_500_000,
        "G": 1_000_000,
    }
    orders = by_name(run, "adopter_order")
    assert orders == {"A": 1, "B": 1, "C": 3, "D": 4, "E": 5, "F": 5, "G": 7}
    assert dict(
        RankingEntry.objects.filter(run=run).values_list(
            "municipality__name", "launching_customer_count"
        )
    ) == {"A": 1, "B": 1, "C": 0, "D": 0, "E": 0, "F": 0, "G": 0}


def test_formula_stage_factors():
    towns = {stage: MunicipalityFactory(name=str(stage.label)) for stage in Stage}
    for stage, town in towns.items():
        # Each its own innovation, so every one is launching customer (×2).
        adopt(town, InnovationFactory(), started_on=day(0), stage=stage)

    run = ranking_recompute(reference_date=REF)

    assert points_by_municipality(run) == {
        "Pilot": 2_000_000,
        "Implemented": 4_000_000,
        "Scaled up": 6_000_000,
        "Ended": 0,
    }


def test_formula_recency_halves_every_three_years_from_stage_since():
    town = MunicipalityFactory(name="Oudewater")
    # 0.5 ^ (1096 / 1095.75): 2022-01-01 to 2025-01-01 is 1096 days (2024 is a leap year).
    three_years = adopt(
        town,
        InnovationFactory(),
        started_on=datetime.date(2021, 6, 1),
        stage=Stage.SCALED,
        stage_since=datetime.date(2022, 1, 1),
    )
    # 0.5 ^ (366 / 1095.75) = 0.793…: one year in a pilot.
    one_year = adopt(town, InnovationFactory(), started_on=day(0), stage_since=day(0))

    run = ranking_recompute(reference_date=REF)

    scored = {c.adoption_id: c for c in contributions(run)}
    old, recent = scored[three_years.pk], scored[one_year.pk]
    assert (old.age_days, recent.age_days) == (1096, 366)
    assert round(old.recency_factor, 9) == 0.499920934
    assert round(recent.recency_factor, 9) == 0.793324057
    # 3 × 2 × 0.499920934 and 1 × 2 × 0.793324057, in millionths of a point.
    assert (old.points_micro, recent.points_micro) == (2_999_526, 1_586_648)
    assert RankingEntry.objects.get(run=run).score_micro == 2_999_526 + 1_586_648


def test_formula_ended_adoption_scores_nothing_but_keeps_its_launching_place():
    innovation = InnovationFactory()
    ended = MunicipalityFactory(name="Stopdorp")
    later = MunicipalityFactory(name="Volgstad")
    adopt(ended, innovation, started_on=day(0), stage=Stage.ENDED)
    adopt(later, innovation, started_on=day(5))

    run = ranking_recompute(reference_date=REF)

    assert points_by_municipality(run) == {"Stopdorp": 0, "Volgstad": 1_500_000}
    # No points, no entry: only municipalities that score are on the board.
    assert board(run) == [("Volgstad", 1, 1_500_000)]


def test_formula_ignores_unverified_adoptions_entirely():
    innovation = InnovationFactory()
    claimed = MunicipalityFactory(name="Claimdorp")
    rejected = MunicipalityFactory(name="Afwijsstad")
    verified = MunicipalityFactory(name="Echtstad")
    adopt(claimed, innovation, started_on=day(0), verification=Verification.CLAIMED)
    adopt(rejected, innovation, started_on=day(1), verification=Verification.REJECTED)
    adopt(verified, innovation, started_on=day(2))

    run = ranking_recompute(reference_date=REF)

    # The verified adopter is the launching customer: the others do not take its place.
    assert points_by_municipality(run) == {"Echtstad": 2_000_000}


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN]
)
def test_formula_ignores_adoptions_of_unpublished_innovations(status):
    town = MunicipalityFactory(name="Zoekdorp")
    adopt(town, InnovationFactory(status=status), started_on=day(0))
    adopt(town, InnovationFactory(), started_on=day(0))

    run = ranking_recompute(reference_date=REF)

    assert points_by_municipality(run) == {"Zoekdorp": 2_000_000}
    assert run.contribution_count == 1


def test_formula_ignores_adoptions_of_a_pending_revision():
    original = InnovationFactory()
    revision = InnovationFactory(revision_of=original, status=Status.APPROVED)
    adopt(MunicipalityFactory(name="Revisiestad"), revision, started_on=day(0))

    run = ranking_recompute(reference_date=REF)

    assert points_by_municipality(run) == {}


def test_formula_leaves_out_adoptions_that_start_after_the_reference_date():
    innovation = InnovationFactory()
    adopt(MunicipalityFactory(name="Vroeg"), innovation, started_on=day(10), stage_since=day(15))
    adopt(MunicipalityFactory(name="Later"), innovation, started_on=day(20), stage_since=day(20))

    run = ranking_recompute(reference_date=day(15))

    assert points_by_municipality(run) == {"Vroeg": 2_000_000}


def test_formula_counts_a_stage_that_began_after_the_reference_date_as_new():
    # A board computed for an earlier date uses the adoptions' current stages; an age
    # below zero is taken as zero (recency 1).
    adopt(
        MunicipalityFactory(name="Opschaler"),
        InnovationFactory(),
        started_on=day(10),
        stage=Stage.SCALED,
        stage_since=day(30),
    )

    run = ranking_recompute(reference_date=day(15))

    assert [(c.age_days, c.points_micro) for c in contributions(run)] == [(0, 6_000_000)]
    assert run.contribution_count == 1


def test_formula_ranks_ties_one_two_two_two_five_ordered_by_innovations_then_name():
    alpha, beta, delta, gamma, zeta, first = (
        MunicipalityFactory(name=name)
        for name in ["Alpha", "Beta", "Delta", "Gamma", "Zeta", "Eerste"]
    )
    adopt(alpha, InnovationFactory(), started_on=day(0), stage=Stage.IMPLEMENTED)  # 2 × 2 = 4
    shared = InnovationFactory()
    adopt(gamma, shared, started_on=day(0))  # 1 × 2 = 2
    adopt(beta, shared, started_on=day(1), stage=Stage.IMPLEMENTED)  # 2 × 1.5 = 3
    adopt(delta, shared, started_on=day(1), stage=Stage.IMPLEMENTED)  # 2 × 1.5 = 3
    adopt(zeta, shared, started_on=day(2))  # 1 × 1.5 = 1.5
    other = InnovationFactory()
    adopt(first, other, started_on=day(0), stage=Stage.ENDED)  # 0
    adopt(zeta, other, started_on=day(4))  # 1 × 1.5: Zeta has 3 from two innovations

    run = ranking_recompute(reference_date=REF)

    assert [
        (e.municipality.name, e.rank, e.score_micro, e.innovation_count)
        for e in RankingEntry.objects.filter(run=run).select_related("municipality")
    ] == [
        ("Alpha", 1, 4_000_000, 1),
        ("Zeta", 2, 3_000_000, 2),
        ("Beta", 2, 3_000_000, 1),
        ("Delta", 2, 3_000_000, 1),
        ("Gamma", 5, 2_000_000, 1),
    ]
