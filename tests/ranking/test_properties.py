"""Properties of formula v1 (hypothesis): more verified adoptions never lower a score,
and the board does not depend on the order the rows were written in."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipalities.adoption_facts import adoption_facts_refresh
from municipalities.enums import Stage, Verification
from municipalities.models import Adoption, Municipality
from ranking.models import RankingEntry
from ranking.selectors import contributions
from ranking.services import ranking_recompute
from tests.factories import InnovationFactory, MunicipalityFactory

REF = datetime.date(2025, 1, 1)
MUNICIPALITIES = 5
INNOVATIONS = 4

# One adoption: (municipality index, innovation index, start day, stage, days in stage, verified)
adoption_specs = st.tuples(
    st.integers(0, MUNICIPALITIES - 1),
    st.integers(0, INNOVATIONS - 1),
    st.integers(0, 4).map(lambda n: n * 500),  # few distinct dates: many ties
    st.sampled_from(list(Stage)),
    st.integers(0, 1500),
    st.sampled_from([True, True, True, False]),
)


def unique_pairs(specs):
    """At most one adoption per municipality and innovation (as the database requires)."""
    seen, result = set(), []
    for spec in specs:
        if (spec[0], spec[1]) not in seen:
            seen.add((spec[0], spec[1]))
            result.append(spec)
    return result


class Rollback(Exception):
    pass


@pytest.fixture
def world(db):
    """Municipalities of different sizes and approved innovations, shared by all examples."""
    towns = [
        MunicipalityFactory(name=f"Gemeente {i}", population=5_000 * (i + 1) ** 3)
        for i in range(MUNICIPALITIES)
    ]
    innovations = [InnovationFactory() for _ in range(INNOVATIONS)]
    return towns, innovations


def write_adoptions(world, specs) -> None:
    towns, innovations = world
    base = REF - datetime.timedelta(days=2500)
    Adoption.objects.bulk_create(
        [
            Adoption(
                municipality=towns[m],
                innovation=innovations[i],
                stage=stage,
                started_on=base + datetime.timedelta(days=start),
                stage_since=min(base + datetime.timedelta(days=start + in_stage), REF),
                verification=Verification.VERIFIED if verified else Verification.CLAIMED,
            )
            for m, i, start, stage, in_stage, verified in specs
        ]
    )
    # As the services do in the verifying transaction: the facts kept about verified
    # adoptions (each one's order among its innovation's adopters) follow them.
    adoption_facts_refresh(innovation_ids=[innovation.pk for innovation in innovations])


def snapshot(run) -> tuple[list, list]:
    entries = list(
        RankingEntry.objects.filter(run=run).values_list(
            "municipality__name",
            "position",
            "rank",
            "score_micro",
            "size_class_rank",
            "score_per_10k",
            "adoption_count",
            "innovation_count",
            "launching_customer_count",
            "is_koploper",
        )
    )
    names = dict(Municipality.objects.values_list("pk", "name"))
    points = sorted(
        (names[c.municipality_id], c.innovation.pk, c.adopter_order, c.points_micro)
        for c in contributions(run)
    )
    return entries, points


def scores(run) -> dict[str, int]:
    return dict(
        RankingEntry.objects.filter(run=run).values_list("municipality__name", "score_micro")
    )


def board_for(world, specs):
    """Write the adoptions, compute a board, and undo it all (one example, one savepoint)."""
    result = None
    try:
        with transaction.atomic():
            write_adoptions(world, specs)
            result = snapshot(ranking_recompute(reference_date=REF))
            raise Rollback
    except Rollback:
        pass
    return result


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(adoption_specs, max_size=14).map(unique_pairs),
    extra=adoption_specs,
)
def test_property_adding_a_verified_adoption_never_lowers_a_score(world, specs, extra):
    m, i, start, stage, in_stage, _ = extra
    if any((s[0], s[1]) == (m, i) for s in specs):
        return  # the pair is taken; the database allows one adoption per pair
    town = world[0][m].name

    try:
        with transaction.atomic():
            write_adoptions(world, specs)
            before = scores(ranking_recompute(reference_date=REF)).get(town, 0)
            write_adoptions(world, [(m, i, start, stage, in_stage, True)])
            after = scores(ranking_recompute(reference_date=REF)).get(town, 0)
            raise Rollback
    except Rollback:
        pass

    assert after >= before


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_property_the_order_rows_were_written_in_changes_nothing(world, data):
    specs = data.draw(st.lists(adoption_specs, max_size=14).map(unique_pairs), label="specs")
    shuffled = data.draw(st.permutations(specs), label="shuffled")

    assert board_for(world, shuffled) == board_for(world, specs)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(adoption_specs, max_size=14).map(unique_pairs))
def test_property_each_scorecard_adds_up_to_its_board_entry(world, specs):
    """The run stores the board only; a scorecard computes its adoptions' points on demand
    (for one municipality). Both must be the same formula: the points add up to the score,
    and one municipality's points are its share of everyone's."""
    towns, _ = world
    try:
        with transaction.atomic():
            write_adoptions(world, specs)
            run = ranking_recompute(reference_date=REF)
            everyone = contributions(run)
            cards = {town.pk: contributions(run, town) for town in towns}
            entries = dict(
                RankingEntry.objects.filter(run=run).values_list("municipality_id", "score_micro")
            )
            raise Rollback
    except Rollback:
        pass

    for town in towns:
        card = cards[town.pk]
        assert card == [c for c in everyone if c.municipality_id == town.pk]
        points = sum(c.points_micro for c in card)
        assert (points if points > 0 else None) == entries.get(town.pk)
