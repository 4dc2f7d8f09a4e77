"""The benchmark harness (bench/) at a small scale. No timings are asserted: the figures
depend on the machine. What must hold is that every figure is measured and reported with
its fields, so that `make bench` keeps working as the code changes."""

import json
import random
import socket

import pytest

from bench import report
from bench.generate import Text, _apportion, _fit_total, _pick_distinct

FIGURE_NAMES = [
    "ranking_recompute",
    "ranking_recompute_peak_memory",
    "ranking_recompute_memory_growth",
    "ranking_sensitivity",
    *[
        f"catalogue_{kind}_{case}_p{p}"
        for case in ("first", "filter", "search")
        for kind in ("page", "api")
        for p in (50, 95)
    ],
    *[
        f"{name}_cold_p{p}"
        for name in (
            "catalogue_page",
            "catalogue_api",
            "suggestions",
            "innovation_page",
            "scorecard",
            "municipality_page",
            "map",
        )
        for p in (50, 95)
    ],
    "load_mix_throughput",
    "load_mix_p95",
    "load_mix_failures",
    "search_rare_vs_substring",
    "search_common_vs_substring",
    "search_frequent_vs_substring",
    "leaderboard_throughput",
    "innovation_page_counting_throughput",
    "leaderboard_page_p50",
    "leaderboard_page_p95",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _assert_figure_fields(row: dict) -> None:
    assert set(report.FIELDS) <= row.keys()
    assert isinstance(row["name"], str)
    assert isinstance(row["unit"], str) and row["unit"]
    for key in ("value", "floor", "ratio"):
        assert row[key] is None or isinstance(row[key], int | float), (row["name"], key)
    assert row["budget"] is None or row["budget"].startswith(("ratio ", "value "))
    assert row["cache"] in ("", "hits", "cold", "mixed")
    assert row["met"] in (True, False, None)
    assert (row["met"] is None) == (row["budget"] is None)


def test_fit_total_adds_up_exactly_within_the_cap():
    counts = _fit_total(random.Random(1), [1, 50, 3, 0, 900], total=1000, cap=627)

    assert (sum(counts), max(counts) <= 627) == (1000, True)


def test_apportion_gives_exact_shares():
    labels = _apportion(
        random.Random(1), 1000, {"verified": 0.8, "claimed": 0.15, "rejected": 0.05}
    )

    assert {label: labels.count(label) for label in set(labels)} == {
        "verified": 800,
        "claimed": 150,
        "rejected": 50,
    }


def test_pick_distinct_returns_distinct_ids():
    ids = list(range(1, 628))
    chosen = _pick_distinct(random.Random(1), ids, [float(i) for i in ids], 150)

    assert (len(chosen), len(set(chosen)), set(chosen) <= set(ids)) == (150, 150, True)


def test_text_is_dutch_and_the_same_for_the_same_seed():
    first = Text(random.Random(7), ["Utrecht"]).innovation("energy")
    again = Text(random.Random(7), ["Utrecht"]).innovation("energy")

    assert first == again
    assert " voor " in first[0] and len(first[1]) <= 300 and len(first[2]) > 200


def test_report_writes_every_figure_with_its_fields(tmp_path):
    figures = [
        report.Figure("slow", "Slow", 2.0, "s", 1.0, max_ratio=1.3, runs=3),
        report.Figure("fast", "Fast", 80.0, "req/s", 100.0, min_ratio=0.7, runs=3),
        report.Figure("info", "Info", 5.0, "ms", 2.5, runs=3),
        report.Figure("missing", "Missing", None, "ms", 2.5, max_ratio=3, note="no URL"),
    ]

    json_path, md_path = report.write(tmp_path, figures, scale=0.5, meta={})

    rows = json.loads(json_path.read_text())
    for row in rows:
        _assert_figure_fields(row)
    assert [(r["name"], r["ratio"], r["met"]) for r in rows] == [
        ("slow", 2.0, False),
        ("fast", 0.8, True),
        ("info", 2.0, None),
        ("missing", None, False),
    ]
    markdown = md_path.read_text()
    assert all(f"`{name}`" in markdown for name in ("slow", "fast", "info", "missing"))


def test_report_judges_absolute_budgets_and_says_which_margins_are_thin(tmp_path):
    figures = [
        report.Figure("cold", "Cold", 240.0, "ms", 5.0, max_value=250, cache="cold"),
        report.Figure("load", "Load", 50.0, "req/s", None, min_value=40, cache="mixed"),
        report.Figure("slow", "Slow", 300.0, "ms", 5.0, max_value=250, cache="cold"),
    ]

    json_path, md_path = report.write(tmp_path, figures, scale=1, meta={})

    rows = json.loads(json_path.read_text())
    assert [(r["name"], r["met"], r["margin"], r["cache"]) for r in rows] == [
        ("cold", True, 0.04, "cold"),
        ("load", True, 0.25, "mixed"),
        ("slow", False, -0.2, "cold"),
    ]
    markdown = md_path.read_text()
    assert "Met with less than 20% margin: `cold`" in markdown
    assert "+4% (thin)" in markdown


def test_cold_combinations_are_many_distinct_and_seeded():
    from bench.cold import combinations, query

    first = combinations(120, seed=1)

    assert len({query(c) for c in first}) == 120
    assert combinations(120, seed=1) == first
    assert sum(1 for c in first if "q" in c) >= 30
    assert sum(1 for c in first if set(c) - {"q", "ordering", "page"}) >= 60


def test_report_keeps_the_previous_value_of_the_same_scale(tmp_path):
    report.write(tmp_path, [report.Figure("x", "X", 4.0, "s", 1.0)], scale=1, meta={})
    report.write(tmp_path, [report.Figure("x", "X", 3.0, "s", 1.0)], scale=1, meta={})

    rows = json.loads((tmp_path / "performance.json").read_text())
    assert [(r["value"], r["previous"]) for r in rows] == [(3.0, 4.0)]


def test_replace_notes_changes_only_the_notes(tmp_path):
    figures = [report.Figure("x", "X", 4.0, "s", 1.0)]
    report.write(tmp_path, figures, scale=1, meta={}, notes="old", extra_sections=["## Tail"])
    path = tmp_path / "performance.md"
    expected = path.read_text().replace("\nold\n", "\nnew\n")

    report.replace_notes(path, "new")

    assert path.read_text() == expected


def test_url_for_connection_reads_back_as_the_same_database():
    import dj_database_url

    from bench.database import url_for_connection

    settings_dict = {"NAME": "test_k", "USER": "u", "PASSWORD": "p@ss", "HOST": "db", "PORT": 5433}
    socket = {"NAME": "test_k", "USER": "postgres", "HOST": "/var/run/postgresql", "PORT": ""}

    parsed = [dj_database_url.parse(url_for_connection(d)) for d in (settings_dict, socket)]

    assert [(p["NAME"], p["USER"], p["PASSWORD"], p["HOST"], p["PORT"]) for p in parsed] == [
        ("test_k", "u", "p@ss", "db", 5433),
        ("test_k", "postgres", "", "/var/run/postgresql", 5432),
    ]


@pytest.mark.django_db
def test_minimal_view_returns_one_row(client, settings, reference_municipalities):
    settings.ROOT_URLCONF = "bench.urls"
    first = reference_municipalities.order_by("pk").first()

    response = client.get("/bench/minimal/")

    assert response.json() == {"code": first.code, "name": first.name}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_small_benchmark_reports_every_figure(tmp_path):
    from bench.run import Options, database_url_from_settings, run
    from municipalities.reference import municipalities_load_reference

    municipalities_load_reference()
    options = Options.for_scale(
        0.002,
        database_url=database_url_from_settings(),
        port=_free_port(),
        rounds=1,
        recompute_rounds=1,
        requests=3,
        throughput_seconds=0.3,
        combinations=5,
        load_clients=4,
        load_seconds=0.5,
        out_dir=tmp_path,
        notes=False,
        log=lambda message: None,
    )

    run(options)

    rows = json.loads((tmp_path / "performance.json").read_text())
    assert [row["name"] for row in rows] == FIGURE_NAMES
    for row in rows:
        _assert_figure_fields(row)
        assert row["value"] is not None, (row["name"], row.get("note"))
    markdown = (tmp_path / "performance.md").read_text()
    assert all(f"`{name}`" in markdown for name in FIGURE_NAMES)


@pytest.mark.postgres
@pytest.mark.django_db
def test_generated_adoption_facts_are_those_of_the_services():
    from django.db import connection

    from bench.facts import _adoption_facts_sql
    from core.countries import province_mask
    from municipalities.adoption_facts import adoption_facts
    from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory

    innovations = InnovationFactory.create_batch(3)
    towns = [
        MunicipalityFactory(province="Utrecht"),
        MunicipalityFactory(country="BE", province="Limburg"),
    ]
    for innovation, town in [(innovations[0], towns[0]), (innovations[0], towns[1])]:
        AdoptionFactory(innovation=innovation, municipality=town)
    AdoptionFactory(innovation=innovations[1], municipality=towns[0], verification="claimed")
    expected = adoption_facts([i.pk for i in innovations])
    Innovation = type(innovations[0])
    Innovation.objects.update(adoption_count=0, adopter_provinces=[], adopter_province_mask=0)

    with connection.cursor() as cursor:
        cursor.execute(_adoption_facts_sql())

    stored = Innovation.objects.order_by("pk").values_list(
        "pk", "adoption_count", "adopter_provinces", "adopter_province_mask"
    )
    assert {pk: (n, provinces) for pk, n, provinces, _ in stored} == expected
    assert {pk: mask for pk, _, provinces, mask in stored} == {
        pk: province_mask(provinces) for pk, (_, provinces) in expected.items()
    }
    assert expected[innovations[0].pk] == (2, ["BE-VLI", "NL-UT"])


@pytest.mark.postgres
@pytest.mark.django_db
def test_generated_adopter_order_is_that_of_the_services():
    import datetime

    from django.db import connection

    from bench.facts import ADOPTER_ORDER_SQL
    from municipalities.models import Adoption
    from tests.factories import AdoptionFactory, InnovationFactory

    innovation = InnovationFactory()
    for day, verification in [(3, "verified"), (1, "verified"), (3, "verified"), (2, "claimed")]:
        AdoptionFactory(
            innovation=innovation,
            started_on=datetime.date(2024, 1, day),
            verification=verification,
        )
    expected = dict(Adoption.objects.values_list("started_on__day", "adopter_order"))
    Adoption.objects.update(adopter_order=None)

    with connection.cursor() as cursor:
        cursor.execute(ADOPTER_ORDER_SQL)

    assert dict(Adoption.objects.values_list("started_on__day", "adopter_order")) == expected
    # Ties share the better place; a claim has none.
    assert sorted(Adoption.objects.values_list("started_on__day", "adopter_order")) == [
        (1, 1),
        (2, None),
        (3, 2),
        (3, 2),
    ]


@pytest.mark.postgres
@pytest.mark.django_db
def test_generated_domain_bits_are_those_of_the_service():
    from django.db import connection

    from bench.facts import _domain_masks_sql
    from innovations.models import Innovation
    from tests.factories import InnovationFactory

    InnovationFactory(domains=["energy", "industry-4-0"])
    InnovationFactory(domains=["care"])
    expected = dict(Innovation.objects.values_list("pk", "domain_mask"))
    Innovation.objects.update(domain_mask=0)

    with connection.cursor() as cursor:
        cursor.execute(_domain_masks_sql())

    assert dict(Innovation.objects.values_list("pk", "domain_mask")) == expected
    assert sorted(expected.values()) == [2, 1 | 1 << 9]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reuse_measures_the_data_already_there_and_only_the_figures_asked(tmp_path):
    from bench import dataset
    from bench.generate import generate
    from bench.run import Options, database_url_from_settings, run
    from innovations.models import Innovation, Listing
    from municipalities.reference import municipalities_load_reference

    municipalities_load_reference()
    counts = generate(0.002, seed=7, log=lambda message: None)
    # The catalogue's narrow rows came with the COPY and the facts' updates (the triggers).
    from tests.innovations.test_listing import assert_listing_agrees

    assert_listing_agrees()
    assert Listing.objects.count() == counts["approved_innovations"]
    try:
        reused, why = dataset.counts_for_reuse(0.002, 7)
        assert (reused["approved_innovations"], why) == (counts["approved_innovations"], "")
        assert dataset.counts_for_reuse(0.002, 8) == (
            None,
            "the data set is of scale 0.002, seed 7",
        )
        assert dataset.counts_for_reuse(0.004, 7)[0] is None
        Innovation.objects.filter(pk=1).update(title="Nog hier")  # not generated again
        options = Options.for_scale(
            0.002,
            database_url=database_url_from_settings(),
            port=_free_port(),
            rounds=1,
            combinations=5,
            reused=reused,
            only=("catalogue_api_cold", "search_rare"),
            log=lambda message: None,
        )

        figures, _, _ = run(options)

        assert [f.name for f in figures] == [
            "catalogue_api_cold_p50",
            "catalogue_api_cold_p95",
            "search_rare_vs_substring",
        ]
        assert all(f.value is not None for f in figures), [(f.name, f.note) for f in figures]
        assert Innovation.objects.get(pk=1).title == "Nog hier"
        assert dataset.marked() == (0.002, 7)
        # A data set generated before the stage history is not measured again.
        from municipalities.models import AdoptionStageChange

        AdoptionStageChange.objects.all().delete()
        assert dataset.counts_for_reuse(0.002, 7) == (
            None,
            "the data set has no stage history (generated before bench/history.py)",
        )
    finally:
        dataset.mark(None)


@pytest.mark.postgres
@pytest.mark.django_db
def test_generated_stage_history_ends_in_each_verified_adoptions_state():
    import datetime

    from django.db import connection

    from bench.history import stage_history_sql
    from municipalities.models import Adoption, AdoptionStageChange
    from tests.factories import AdoptionFactory

    start = datetime.date(2023, 1, 1)
    for n in range(40):
        stage = ["pilot", "implemented", "scaled", "ended"][n % 4]
        AdoptionFactory(
            stage=stage,
            started_on=start,
            # Some the same day as the start, some a day later, most much later.
            stage_since=start + datetime.timedelta(days=[0, 1, 2, 300, 300][n % 5 if n % 4 else 0]),
            verification="claimed" if n % 10 == 9 else "verified",
        )
    AdoptionStageChange.objects.all().delete()  # the factory writes none; to be sure

    with connection.cursor() as cursor:
        cursor.execute(stage_history_sql())

    history: dict[int, list] = {}
    for change in AdoptionStageChange.objects.order_by("created_at", "id"):
        history.setdefault(change.adoption_id, []).append(change)
    verified = Adoption.objects.filter(verification="verified")
    assert set(history) == set(verified.values_list("pk", flat=True))
    paths = set()
    for adoption in verified:
        changes = history[adoption.pk]
        # The last verified state is the adoption's; each step starts from the one before.
        assert (changes[-1].to_stage, changes[-1].stage_since) == (
            adoption.stage,
            adoption.stage_since,
        )
        assert [c.from_stage for c in changes] == ["", *[c.to_stage for c in changes[:-1]]]
        dates = [c.stage_since for c in changes]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        assert dates[0] == (adoption.started_on if len(changes) > 1 else adoption.stage_since)
        paths.add(tuple(c.to_stage for c in changes))
    # Pilots that went on, ended pilots, and adoptions that started in their stage.
    assert {("pilot", "implemented"), ("pilot", "ended"), ("implemented",)} <= paths


@pytest.mark.postgres
@pytest.mark.django_db
def test_generated_pilot_outcomes_are_those_of_the_services():
    from django.db import connection

    from bench.facts import ADOPTER_ORDER_SQL
    from municipalities.models import Adoption, AdoptionStageChange
    from tests.factories import AdoptionFactory

    paths = [
        ("pilot", "verified", ["pilot"]),
        ("implemented", "verified", ["pilot", "implemented"]),
        ("ended", "verified", ["pilot", "ended"]),
        ("ended", "verified", ["pilot", "scaled", "ended"]),
        ("scaled", "verified", ["implemented", "scaled"]),
        ("implemented", "verified", []),
        ("pilot", "claimed", []),
    ]
    for stage, verification, history in paths:
        adoption = AdoptionFactory(stage=stage, verification=verification)
        previous = ""
        for to_stage in history:
            AdoptionStageChange.objects.create(
                adoption=adoption,
                from_stage=previous,
                to_stage=to_stage,
                stage_since=adoption.started_on,
            )
            previous = to_stage
    from municipalities.adoption_facts import pilot_outcome_refresh

    pilot_outcome_refresh(adoption_ids=Adoption.objects.values_list("pk", flat=True))
    expected = dict(Adoption.objects.values_list("pk", "pilot_outcome"))
    Adoption.objects.update(pilot_outcome="")

    with connection.cursor() as cursor:
        cursor.execute(ADOPTER_ORDER_SQL)

    assert dict(Adoption.objects.values_list("pk", "pilot_outcome")) == expected
    assert list(Adoption.objects.order_by("pk").values_list("pilot_outcome", flat=True)) == [
        "running",
        "onward",
        "ended",
        "onward",
        "",
        "",
        "",
    ]
