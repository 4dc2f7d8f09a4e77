"""Runs: the board's columns, parameters, publishing, single flight, failures, re-runs."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from municipalities.enums import SizeClass, Stage
from ranking import selectors
from ranking.models import PerformanceGroup, RankingEntry, RankingRun, RunStatus
from ranking.services import FORMULA_VERSION, PARAMETERS_V1, RankingBusy, ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory

REF = datetime.date(2025, 1, 1)


def adopt(municipality, innovation, started_on, stage=Stage.PILOT):
    return AdoptionFactory(
        municipality=municipality,
        innovation=innovation,
        stage=stage,
        started_on=started_on,
        stage_since=REF,
    )


def board_rows(run) -> list[tuple]:
    """Everything a reader sees of a board, without the run's own ids."""
    return list(
        RankingEntry.objects.filter(run=run).values_list(
            "municipality__code",
            "position",
            "rank",
            "score_micro",
            "size_class",
            "size_class_rank",
            "population",
            "score_per_10k",
            "adoption_count",
            "innovation_count",
            "launching_customer_count",
            "is_koploper",
            "previous_rank",
        )
    )


def contribution_rows(run) -> list[tuple]:
    return sorted(
        (
            c.municipality_id,
            c.innovation.slug,
            c.adopter_order,
            c.age_days,
            c.stage_factor,
            c.order_factor,
            c.recency_factor,
            c.points_micro,
        )
        for c in selectors.contributions(run)
    )


@pytest.fixture
def small_board(db):
    """Three municipalities on one innovation: Amersfoort first, then Bunnik, then Culemborg."""
    innovation = InnovationFactory()
    towns = {
        "amersfoort": MunicipalityFactory(code="GM0307", name="Amersfoort", population=160_000),
        "bunnik": MunicipalityFactory(code="GM0312", name="Bunnik", population=15_500),
        "culemborg": MunicipalityFactory(code="GM0216", name="Culemborg", population=29_000),
    }
    adopt(towns["amersfoort"], innovation, datetime.date(2024, 1, 1))
    adopt(towns["bunnik"], innovation, datetime.date(2024, 2, 1), stage=Stage.SCALED)
    adopt(towns["culemborg"], innovation, datetime.date(2024, 3, 1))
    return towns


@pytest.mark.django_db
def test_recompute_stores_formula_version_parameters_and_counts(small_board):
    run = ranking_recompute(reference_date=REF, trigger="command")

    run.refresh_from_db()
    assert (run.status, run.is_current, run.formula_version, run.reference_date) == (
        RunStatus.PUBLISHED,
        True,
        FORMULA_VERSION,
        REF,
    )
    assert run.parameters == {
        "stage_factors": {"pilot": 1, "implemented": 2, "scaled": 3, "ended": 0},
        "launching_customer_factor": 2,
        "early_adopter_factor": 1.5,
        "early_adopter_last_position": 5,
        "later_adopter_factor": 1,
        "recency_half_life_years": 3,
        "days_per_year": 365.25,
        "koploper_top_percent": 10,
        "koploper_min_adoptions": 3,
    }
    assert run.parameters == PARAMETERS_V1
    assert (run.contribution_count, run.entry_count, run.error) == (3, 3, "")
    assert run.finished_at >= run.started_at
    assert run.lease_expires_at is None


@pytest.mark.django_db
def test_recompute_board_columns(small_board):
    run = ranking_recompute(reference_date=REF)

    # Bunnik 3 × 1.5 = 4.5, Amersfoort 1 × 2 = 2, Culemborg 1 × 1.5 = 1.5.
    # Columns: code, position, rank, score, size class, rank in it, population, per 10,000,
    # adoptions, innovations, launching customer, Koploper, previous rank.
    xs, s, lg = SizeClass.XS, SizeClass.S, SizeClass.L
    assert board_rows(run) == [
        ("GM0312", 1, 1, 4_500_000, xs, 1, 15_500, 45_000 / 15_500, 1, 1, 0, False, None),
        ("GM0307", 2, 2, 2_000_000, lg, 1, 160_000, 20_000 / 160_000, 1, 1, 1, False, None),
        ("GM0216", 3, 3, 1_500_000, s, 1, 29_000, 15_000 / 29_000, 1, 1, 0, False, None),
    ]


@pytest.mark.django_db
def test_recompute_koploper_label_follows_the_rule_on_the_size_class_intervals():
    def town_with_adoptions(name, population, count, stage_since, stage=Stage.PILOT):
        town = MunicipalityFactory(name=name, population=population)
        for _ in range(count):  # each its own innovation: launching customer, ×2
            AdoptionFactory(
                municipality=town,
                innovation=InnovationFactory(),
                stage=stage,
                started_on=datetime.date(2018, 1, 1),
                stage_since=stage_since,
            )
        return town

    # Eleven small municipalities with three pilots each, older and older, and one with a
    # single scaled adoption: the top 10% of twelve is two places.
    for i in range(11):
        since = REF - datetime.timedelta(days=1000 + 30 * i)
        town_with_adoptions(f"Dorp {i:02d}", 10_000, 3, since)
    # The best small one has only two adoptions: never the label.
    town_with_adoptions("Kleinste", 900, 2, REF, stage=Stage.SCALED)
    # Alone in its size class with three adoptions: the top 10 % of one is one.
    town_with_adoptions("Middelstad", 60_000, 3, REF - datetime.timedelta(days=2000))

    run = ranking_recompute(reference_date=REF)

    entries = {e.municipality.name: e for e in run.entries.select_related("municipality")}
    assert (entries["Kleinste"].rank, entries["Kleinste"].is_koploper) == (1, False)
    assert entries["Kleinste"].performance_group == PerformanceGroup.STRONG
    assert (entries["Middelstad"].is_koploper, entries["Middelstad"].size_class_rank_low) == (
        True,
        1,
    )
    # Without recency (half the draws) the eleven villages tie at place 2 of their class:
    # each interval reaches the top two, so each is a Koploper.
    assert {name: e.size_class_rank_low for name, e in entries.items() if "Dorp" in name} == {
        f"Dorp {i:02d}": 2 for i in range(11)
    }
    assert [e.is_koploper for name, e in sorted(entries.items()) if "Dorp" in name] == [True] * 11
    for entry in entries.values():
        assert entry.is_koploper == (entry.performance_group == PerformanceGroup.KOPLOPER)
        assert entry.rank_low <= entry.rank <= entry.rank_high
        assert entry.size_class_rank_low <= entry.size_class_rank <= entry.size_class_rank_high


@pytest.mark.django_db
def test_recompute_movement_against_the_previous_published_day(small_board):
    first = ranking_recompute(reference_date=REF)
    # Culemborg scales up: 3 × 1.5 = 4.5, level with Bunnik.
    culemborg = small_board["culemborg"]
    culemborg.adoptions.update(stage=Stage.SCALED)

    second = ranking_recompute(reference_date=REF + datetime.timedelta(days=1))

    assert second.previous_run == first
    assert [
        (e.municipality.name, e.rank, e.previous_rank, e.movement)
        for e in selectors.board_entries(second)
    ] == [("Bunnik", 1, 1, 0), ("Culemborg", 1, 3, 2), ("Amersfoort", 3, 2, -1)]
    assert [e.movement for e in selectors.board_entries(first)] == [None, None, None]


@pytest.mark.django_db
def test_recompute_again_on_the_same_data_gives_an_identical_board(small_board):
    earlier = ranking_recompute(reference_date=REF - datetime.timedelta(days=30))
    first = ranking_recompute(reference_date=REF)

    second = ranking_recompute(reference_date=REF)

    assert board_rows(second) == board_rows(first)
    assert contribution_rows(second) == contribution_rows(first)
    # Both compare with the board of an earlier day, not with each other.
    assert second.previous_run == first.previous_run == earlier
    assert list(RankingRun.objects.filter(is_current=True)) == [second]


@pytest.mark.django_db
def test_recompute_without_adoptions_publishes_an_empty_board():
    run = ranking_recompute(reference_date=REF)

    assert (run.status, run.entry_count, selectors.current_run()) == (
        RunStatus.PUBLISHED,
        0,
        run,
    )


@pytest.mark.django_db
def test_recompute_is_refused_while_another_run_holds_the_lease(small_board):
    published = ranking_recompute(reference_date=REF)
    now = timezone.now()
    busy = RankingRun.objects.create(
        trigger="nightly",
        reference_date=REF,
        formula_version="v1",
        parameters=PARAMETERS_V1,
        started_at=now,
        lease_expires_at=now + datetime.timedelta(minutes=5),
    )

    with pytest.raises(RankingBusy):
        ranking_recompute(reference_date=REF)

    assert list(RankingRun.objects.values_list("pk", "status")) == [
        (busy.pk, RunStatus.RUNNING),
        (published.pk, RunStatus.PUBLISHED),
    ]
    assert selectors.current_run() == published


@pytest.mark.django_db
def test_recompute_takes_over_from_a_run_whose_lease_expired(small_board):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    abandoned = RankingRun.objects.create(
        trigger="nightly",
        reference_date=REF,
        formula_version="v1",
        parameters=PARAMETERS_V1,
        started_at=long_ago,
        lease_expires_at=long_ago + datetime.timedelta(minutes=20),
    )

    run = ranking_recompute(reference_date=REF)

    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.error) == (
        RunStatus.FAILED,
        "Abandoned: the run did not finish before its lease expired.",
    )
    assert (run.status, selectors.current_run()) == (RunStatus.PUBLISHED, run)


@pytest.mark.django_db
def test_recompute_failing_midway_keeps_the_published_board_and_records_the_error(small_board):
    published = ranking_recompute(reference_date=REF)
    board_before = board_rows(published)
    small_board["culemborg"].adoptions.update(stage=Stage.SCALED)

    failing = _fail_midway()

    assert failing.status == RunStatus.FAILED
    assert "injected failure" in failing.error
    assert (
        failing.is_current,
        failing.lease_expires_at is None,
        failing.finished_at is not None,
    ) == (
        False,
        True,
        True,
    )
    assert RankingEntry.objects.filter(run=failing).count() == 0
    assert selectors.current_run() == published
    assert board_rows(published) == board_before
    # The next run goes ahead normally.
    assert ranking_recompute(reference_date=REF).status == RunStatus.PUBLISHED


def _fail_midway() -> RankingRun:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION ranking_test_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER ranking_test_fail BEFORE INSERT ON ranking_rankingentry "
                "FOR EACH STATEMENT EXECUTE FUNCTION ranking_test_fail()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER ranking_test_fail BEFORE INSERT ON ranking_rankingentry "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
    try:
        with pytest.raises(Exception, match="injected failure"):
            ranking_recompute(reference_date=REF)
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER ranking_test_fail ON ranking_rankingentry")
                cursor.execute("DROP FUNCTION ranking_test_fail()")
            else:
                cursor.execute("DROP TRIGGER ranking_test_fail")
    return RankingRun.objects.latest()


# --- Real concurrency (PostgreSQL: row locks and unique indexes across connections) -------


@pytest.fixture
def slow_entries(transactional_db):
    """Makes writing the entries of a run take 1.5 s, so that a run is still in progress
    while the test does something else."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION ranking_test_slow() RETURNS trigger AS $$ BEGIN "
            "PERFORM pg_sleep(1.5); RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER ranking_test_slow BEFORE INSERT ON ranking_rankingentry "
            "FOR EACH STATEMENT EXECUTE FUNCTION ranking_test_slow()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER ranking_test_slow ON ranking_rankingentry")
        cursor.execute("DROP FUNCTION ranking_test_slow()")


def _in_thread(results: list, barrier: threading.Barrier | None = None):
    def work():
        try:
            if barrier:
                barrier.wait()
            results.append(ranking_recompute(reference_date=REF))
        except RankingBusy as exc:
            results.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def _wait_for_running_run(timeout: float = 5.0) -> RankingRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = RankingRun.objects.filter(status=RunStatus.RUNNING).first()
        if run:
            return run
        time.sleep(0.02)
    raise AssertionError("no run started")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recompute_two_at_once_one_runs_the_other_is_refused(small_board, slow_entries):
    results: list = []
    barrier = threading.Barrier(2)
    threads = [_in_thread(results, barrier), _in_thread(results, barrier)]
    for thread in threads:
        thread.join(timeout=30)

    published = [r for r in results if isinstance(r, RankingRun)]
    refused = [r for r in results if isinstance(r, RankingBusy)]
    assert (len(published), len(refused)) == (1, 1)
    assert list(RankingRun.objects.values_list("pk", "status", "is_current")) == [
        (published[0].pk, RunStatus.PUBLISHED, True)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recompute_readers_see_the_old_board_until_the_new_one_is_published(
    small_board, slow_entries
):
    old = ranking_recompute(reference_date=REF - datetime.timedelta(days=1))
    old_board = board_rows(old)
    small_board["culemborg"].adoptions.update(stage=Stage.SCALED)
    results: list = []
    thread = _in_thread(results)

    running = _wait_for_running_run()
    time.sleep(0.3)  # the new run is now writing its rows, inside its transaction
    during = (selectors.current_run(), board_rows(old), RankingEntry.objects.count())
    with pytest.raises(RankingBusy):
        ranking_recompute(reference_date=REF)
    thread.join(timeout=30)

    assert during == (old, old_board, len(old_board))
    assert results == [running]
    assert selectors.current_run() == running
    assert [e.municipality.name for e in selectors.board_entries(running)] == [
        "Bunnik",
        "Culemborg",
        "Amersfoort",
    ]


@pytest.mark.django_db
def test_recompute_that_lost_its_lease_does_not_publish(small_board):
    published = ranking_recompute(reference_date=REF)
    # A newer run marks this slow one abandoned before it publishes (simulated by a
    # database trigger that does so when its entries are written).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION ranking_test_abandon() RETURNS trigger AS $$ BEGIN "
                "UPDATE ranking_rankingrun SET status = 'failed' WHERE status = 'running'; "
                "RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER ranking_test_abandon AFTER INSERT ON ranking_rankingentry "
                "FOR EACH STATEMENT EXECUTE FUNCTION ranking_test_abandon()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER ranking_test_abandon AFTER INSERT ON ranking_rankingentry "
                "BEGIN UPDATE ranking_rankingrun SET status = 'failed' "
                "WHERE status = 'running'; END"
            )
    try:
        with pytest.raises(Exception, match="lost its lease"):
            ranking_recompute(reference_date=REF)
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER ranking_test_abandon ON ranking_rankingentry")
                cursor.execute("DROP FUNCTION ranking_test_abandon()")
            else:
                cursor.execute("DROP TRIGGER ranking_test_abandon")

    assert selectors.current_run() == published
    assert RankingRun.objects.latest().status == RunStatus.FAILED
