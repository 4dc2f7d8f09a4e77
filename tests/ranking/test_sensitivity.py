"""The uncertainty and sensitivity analysis that comes with every run (ranking.sensitivity)."""

import datetime
import tracemalloc

import numpy as np
import pytest

from municipalities.enums import Stage
from ranking import sensitivity
from ranking.groups import performance_group, top_places
from ranking.models import PerformanceGroup, RankingEntry
from ranking.selectors import contributions
from ranking.services import PARAMETERS_V1, ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

REF = datetime.date(2030, 1, 1)


def varied_board(count=12):
    """Municipalities with different mixes of stages, orders and ages, so that the
    assumptions move them."""
    shared = [InnovationFactory(title=f"Gedeeld {i}") for i in range(3)]
    for i in range(count):
        town = MunicipalityFactory(name=f"Gemeente {i:02d}", population=10_000 + 7_000 * i)
        for k in range(1 + i % 4):
            AdoptionFactory(
                municipality=town,
                innovation=shared[k % 3] if (i + k) % 2 else InnovationFactory(),
                stage=[Stage.PILOT, Stage.IMPLEMENTED, Stage.SCALED][(i + k) % 3],
                started_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=37 * i + 11 * k),
                stage_since=REF - datetime.timedelta(days=90 * ((i * 7 + k * 3) % 20)),
            )


def board_of(run):
    entries = list(RankingEntry.objects.filter(run=run).order_by("position"))
    return entries, sensitivity.Board(
        municipality_ids=[e.municipality_id for e in entries],
        ranks=np.array([e.rank for e in entries]),
        size_classes=[e.size_class for e in entries],
        class_ranks=np.array([e.size_class_rank for e in entries]),
    )


def intervals(run):
    return list(
        RankingEntry.objects.filter(run=run)
        .order_by("position")
        .values_list(
            "municipality_id",
            "rank_low",
            "rank_median",
            "rank_high",
            "size_class_rank_low",
            "size_class_rank_median",
            "size_class_rank_high",
            "performance_group",
        )
    )


def test_sensitivity_every_entry_gets_an_interval_that_contains_its_rank():
    varied_board()

    run = ranking_recompute(reference_date=REF)

    entries = list(run.entries.all())
    assert len(entries) == 12
    for e in entries:
        assert e.rank_low <= e.rank <= e.rank_high, e
        assert e.rank_low <= e.rank_median <= e.rank_high, e
        assert e.size_class_rank_low <= e.size_class_rank <= e.size_class_rank_high, e
        assert e.size_class_rank_low <= e.size_class_rank_median <= e.size_class_rank_high, e
        assert e.performance_group in PerformanceGroup.values
    # The assumptions do move this board.
    assert any(e.rank_high - e.rank_low > 0 for e in entries)


def test_sensitivity_rerun_gives_identical_results():
    varied_board()
    first = ranking_recompute(reference_date=REF)

    second = ranking_recompute(reference_date=REF)

    assert intervals(first) == intervals(second)
    assert first.sensitivity == second.sensitivity
    assert first.sensitivity["seed"] == 20300101


def test_sensitivity_run_stores_the_draws_settings_and_results():
    varied_board()

    run = ranking_recompute(reference_date=REF)

    summary = run.sensitivity
    assert summary["settings"] == sensitivity.SETTINGS
    assert summary["settings"]["draws"] >= 1000
    assert (summary["board_size"], summary["move_places"]) == (12, 3)
    assert [r["assumption"] for r in summary["one_at_a_time"]] != []
    assert {r["assumption"] for r in summary["one_at_a_time"]} == {
        "stage_weight_pilot",
        "stage_weight_implemented",
        "stage_weight_scaled",
        "launching_customer_factor",
        "early_adopter_factor",
        "half_life_years",
        "recency",
    }
    means = [r["mean_places"] for r in summary["one_at_a_time"]]
    assert means == sorted(means, reverse=True)
    entries = list(run.entries.all())
    moved = sum(1 for e in entries if max(e.rank - e.rank_low, e.rank_high - e.rank) > 3)
    assert summary["moved_more_than"] == moved


def test_sensitivity_draws_are_reproducible_and_within_their_ranges():
    settings = sensitivity.SETTINGS
    first = list(sensitivity.draws(settings, 20300101, PARAMETERS_V1))
    again = list(sensitivity.draws(settings, 20300101, PARAMETERS_V1))
    other = list(sensitivity.draws(settings, 20300102, PARAMETERS_V1))

    assert first == again != other
    assert len(first) == 1000
    pilot, implemented, scaled = zip(*(d.stage_weights for d in first), strict=True)
    assert (min(pilot) >= 0.5, max(pilot) <= 1.5) == (True, True)
    assert (min(implemented) >= 1, max(implemented) <= 3) == (True, True)
    assert (min(scaled) >= 1.5, max(scaled) <= 4.5) == (True, True)
    assert all(1.5 <= d.launching_customer_factor <= 3 for d in first)
    assert all(1 <= d.early_adopter_factor <= 2 for d in first)
    half_lives = [d.half_life_years for d in first]
    without = half_lives.count(None)
    assert 400 < without < 600
    assert {h for h in half_lives if h is not None} == set(settings["half_life_years"])


def test_sensitivity_grouped_sums_reproduce_the_published_scores():
    varied_board()
    run = ranking_recompute(reference_date=REF)
    entries, board = board_of(run)

    groups = sensitivity.grouped_sums(
        reference_date=REF,
        parameters=run.parameters,
        municipality_ids=board.municipality_ids,
    )
    base = sensitivity.v1_draw(run.parameters)
    scores = groups.matrix(base.half_life_years) @ sensitivity.coefficients(base, run.parameters)

    assert np.allclose(scores, [float(e.score) for e in entries], atol=1e-5)
    assert list(sensitivity.competition_ranks(scores)) == [e.rank for e in entries]


def test_sensitivity_histogram_percentiles_equal_those_of_all_ranks_kept():
    varied_board()
    run = ranking_recompute(reference_date=REF)
    entries, board = board_of(run)
    settings = {**sensitivity.SETTINGS, "draws": 200}
    groups = sensitivity.grouped_sums(
        reference_date=REF,
        parameters=run.parameters,
        municipality_ids=board.municipality_ids,
    )

    result = sensitivity.rank_intervals(board, groups, settings, 7, run.parameters)

    # The slow way: every draw's ranks kept, the percentile as the smallest rank with at
    # least that share of the draws at or above it, widened to contain the rank.
    ranks = np.array(
        [
            sensitivity.competition_ranks(
                groups.matrix(d.half_life_years) @ sensitivity.coefficients(d, run.parameters)
            )
            for d in sensitivity.draws(settings, 7, run.parameters)
        ]
    )
    ranks.sort(axis=0)
    low = np.minimum(ranks[int(np.ceil(200 * 0.05)) - 1], board.ranks)
    median = ranks[int(np.ceil(200 * 0.5)) - 1]
    high = np.maximum(ranks[int(np.ceil(200 * 0.95)) - 1], board.ranks)
    assert (list(result.rank_low), list(result.rank_median), list(result.rank_high)) == (
        list(low),
        list(median),
        list(high),
    )


def test_sensitivity_memory_does_not_grow_with_the_number_of_draws():
    varied_board()
    run = ranking_recompute(reference_date=REF)
    _, board = board_of(run)
    groups = sensitivity.grouped_sums(
        reference_date=REF,
        parameters=run.parameters,
        municipality_ids=board.municipality_ids,
    )

    def peak(draw_count):
        settings = {**sensitivity.SETTINGS, "draws": draw_count}
        tracemalloc.start()
        sensitivity.rank_intervals(board, groups, settings, 1, run.parameters)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    # Keeping every draw's ranks would take 10,000 × 12 × 8 bytes ≈ 1 MB more.
    peak(100)  # numpy's first-use allocations out of the way
    few, many = peak(1000), peak(10_000)
    assert many < few * 1.2 + 100_000


def test_sensitivity_a_municipality_without_verified_adoptions_has_no_interval(client):
    varied_board(3)
    MunicipalityFactory(name="Zonder", slug="zonder")

    run = ranking_recompute(reference_date=REF)

    assert not run.entries.filter(municipality__name="Zonder").exists()
    assert all(e.has_interval for e in run.entries.all())


def test_groups_rule_on_the_interval_in_the_size_class():
    def group(low, size=20, adoptions=3):
        return performance_group(
            class_rank_low=low, class_size=size, adoption_count=adoptions, min_adoptions=3
        )

    # Top 10% of 20 = 2 places, 30% = 6, 60% = 12.
    assert [top_places(20, p) for p in (10, 30, 60)] == [2, 6, 12]
    assert [group(low) for low in (1, 2, 3, 6, 7, 12, 13, 20)] == [
        "koploper",
        "koploper",
        "strong",
        "strong",
        "follower",
        "follower",
        "starter",
        "starter",
    ]
    # Fewer than three verified adoptions: the next group the interval reaches.
    assert group(1, adoptions=2) == "strong"
    # A class of one: its only member is in the top 10%.
    assert group(1, size=1) == "koploper"


def test_sensitivity_board_from_the_groups_matches_the_adoptions_one_by_one():
    """On PostgreSQL the board's totals are summed from the analysis's groups in the same
    statement; they must equal the adoptions counted one by one, ended ones included, and
    the intervals those of the analysis run on its own."""
    varied_board()
    town = MunicipalityFactory(name="Met beëindigde", population=30_000)
    for stage in (Stage.ENDED, Stage.PILOT):
        AdoptionFactory(
            municipality=town,
            stage=stage,
            started_on=datetime.date(2021, 3, 1),
            stage_since=REF - datetime.timedelta(days=400),
        )

    run = ranking_recompute(reference_date=REF)

    expected: dict[int, list[int]] = {}
    for c in contributions(run):
        totals = expected.setdefault(c.municipality_id, [0, 0, 0])
        totals[0] += c.points_micro
        totals[1] += 1
        totals[2] += c.adopter_order == 1
    entries, board = board_of(run)
    assert {
        e.municipality_id: [e.score_micro, e.adoption_count, e.launching_customer_count]
        for e in entries
    } == {pk: t for pk, t in expected.items() if t[0] > 0}
    assert expected[town.pk][1] == 2
    alone = sensitivity.analyse(board=board, reference_date=REF, parameters=run.parameters)
    assert [
        list(alone.intervals.rank_low),
        list(alone.intervals.rank_median),
        list(alone.intervals.rank_high),
        list(alone.intervals.class_rank_median),
    ] == [
        [e.rank_low for e in entries],
        [e.rank_median for e in entries],
        [e.rank_high for e in entries],
        [e.size_class_rank_median for e in entries],
    ]
    assert alone.summary == run.sensitivity


def test_competition_ranks_of_ties_whatever_their_order():
    scores = np.array([[3.0, 5.0, 3.0, 1.0, 5.0, 3.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]])

    ranks = sensitivity.competition_ranks(scores)

    assert ranks.tolist() == [[3, 1, 3, 6, 1, 3], [1, 1, 1, 1, 1, 1]]
    # Sums of the same points in another order tie too.
    assert sensitivity.competition_ranks(np.array([0.1 + 0.2, 0.3])).tolist() == [1, 1]
    rng = np.random.default_rng(3)
    many = rng.integers(0, 20, size=(50, 200)).astype(float)
    slow = [[1 + int((row > value).sum()) for value in row] for row in many]
    assert sensitivity.competition_ranks(many).tolist() == slow
