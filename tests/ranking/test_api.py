"""API: GET /api/v1/ranking/, /api/v1/ranking/runs/, /api/v1/municipalities/{code}/."""

import datetime

import pytest
from django.utils import timezone

from innovations.enums import Status
from municipalities.enums import Stage, Verification
from municipalities.models import Region
from ranking.models import RankingEntry, RankingRun
from ranking.services import ranking_recompute
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory
from tests.problems import errors

pytestmark = pytest.mark.django_db


def test_api_ranking_lists_the_current_board(client, make_board):
    run, towns = make_board(2)
    entries = list(RankingEntry.objects.filter(run=run))

    response = client.get("/api/v1/ranking")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "rank": e.rank,
                "municipality": {"code": town.code, "name": town.name},
                "score": float(e.score),
                "score_per_10k": e.score_per_10k,
                "adoptions": 1,
                "launching_customer_count": 1 if e.rank == 1 else 0,
                "movement": 0,
                "size_class": "20k-50k",
                "size_class_rank": e.rank,
                "innovations": 1,
                "koploper": False,
                "rank_low": e.rank,
                "rank_median": e.rank,
                "rank_high": e.rank,
                "size_class_rank_low": e.rank,
                "size_class_rank_median": e.rank,
                "size_class_rank_high": e.rank,
                "rank_per_10k": e.rank,
                "performance_group": group,
            }
            for e, town, group in zip(entries, towns, ["strong", "follower"], strict=True)
        ],
    }


def test_api_ranking_is_empty_before_the_first_run(client):
    assert client.get("/api/v1/ranking").json()["count"] == 0


def test_api_ranking_filters(client, make_board):
    run, towns = make_board(3)
    region = Region.objects.create(name="Regio", slug="regio")
    region.municipalities.add(towns[2])

    def codes(query):
        return [
            row["municipality"]["code"]
            for row in client.get(f"/api/v1/ranking?{query}").json()["results"]
        ]

    assert codes("province=NL-GE") == [towns[1].code]
    assert codes("country=NL&province=NL-UT") == [towns[0].code, towns[2].code]
    assert codes("sizeClass=20k-50k") == [t.code for t in towns]
    assert codes("sizeClass=gte250k") == []
    assert codes("region=regio") == [towns[2].code]


@pytest.mark.parametrize(
    "query",
    ["country=DE", "province=Atlantis", "province=Limburg", "sizeClass=huge", "region=nope"],
)
def test_api_ranking_unknown_filter_value_is_400(client, make_board, query):
    make_board(1)

    response = client.get(f"/api/v1/ranking?{query}")

    # A region is named by its slug: one that names nothing is a 422 (portal.problems).
    assert response.status_code == (422 if query == "region=nope" else 400)
    assert list(errors(response)) == [query.split("=")[0]]


def test_api_ranking_unknown_province_says_what_to_use(client, make_board):
    make_board(1)

    response = client.get("/api/v1/ranking?province=Limburg")

    assert errors(response) == {
        "province": [
            "Unknown province “Limburg”: use its ISO 3166-2 code, such as NL-LI (Limburg, "
            "Netherlands) or BE-VLI (Limburg, Belgium)."
        ]
    }


def test_api_ranking_tells_the_two_limburgs_apart(client, make_board):
    run, towns = make_board(1)
    heerlen = MunicipalityFactory(
        code="GM0917", name="Heerlen", country="NL", province="Limburg", population=87_000
    )
    hasselt = MunicipalityFactory(
        code="71072", name="Hasselt", country="BE", province="Limburg", population=90_249
    )
    for town in (heerlen, hasselt):
        AdoptionFactory(municipality=town, verification=Verification.VERIFIED)
    ranking_recompute()

    def codes(query):
        response = client.get(f"/api/v1/ranking?{query}")
        return [row["municipality"]["code"] for row in response.json()["results"]]

    assert (codes("province=NL-LI"), codes("province=BE-VLI")) == (["GM0917"], ["71072"])


@pytest.mark.parametrize("count", [1, 7])
def test_api_ranking_query_count(client, make_board, django_assert_num_queries, count):
    make_board(count)

    with django_assert_num_queries(2):  # count, page (with the municipalities)
        response = client.get("/api/v1/ranking")
    assert response.json()["count"] == count


def test_api_ranking_runs_lists_published_runs_newest_first(client, make_board):
    current, _ = make_board(2)
    earlier = RankingRun.objects.exclude(pk=current.pk).get()
    RankingRun.objects.create(
        status="failed",
        trigger="nightly",
        reference_date=current.reference_date,
        formula_version="v1",
        parameters={},
        started_at=timezone.now(),
        error="boom",
    )

    data = client.get("/api/v1/ranking/runs").json()

    assert [run["id"] for run in data["results"]] == [current.pk, earlier.pk]
    first = data["results"][0]
    assert first == {
        "id": current.pk,
        "reference_date": current.reference_date.isoformat(),
        "started_at": first["started_at"],
        "published_at": first["published_at"],
        "formula_version": "v1",
        "parameters": current.parameters,
        "sensitivity": current.sensitivity,
        "municipalities_ranked": 2,
        "adoptions_scored": 2,
        "is_current": True,
    }


@pytest.mark.parametrize("count", [1, 5])
def test_api_ranking_runs_query_count(client, django_assert_num_queries, count):
    for i in range(count):
        ranking_recompute(reference_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))

    with django_assert_num_queries(2):
        assert client.get("/api/v1/ranking/runs").json()["count"] == count


def test_api_municipality_detail_has_verified_adoptions_and_rank(client):
    today = timezone.localdate()
    town = MunicipalityFactory(code="GM0344", name="Utrecht", slug="utrecht", population=374_238)
    counted = InnovationFactory(title="Warmtenet", slug="warmtenet")
    AdoptionFactory(
        municipality=town, innovation=counted, stage=Stage.IMPLEMENTED, started_on=today
    )
    AdoptionFactory(
        municipality=town,
        innovation=InnovationFactory(),
        started_on=today,
        verification=Verification.CLAIMED,
    )
    AdoptionFactory(
        municipality=town, innovation=InnovationFactory(status=Status.WITHDRAWN), started_on=today
    )
    run = ranking_recompute()

    data = client.get("/api/v1/municipalities/GM0344").json()

    assert data == {
        "code": "GM0344",
        "name": "Utrecht",
        "slug": "utrecht",
        "country": "NL",
        "province_code": "NL-UT",
        "province": "Utrecht",
        "population": 374_238,
        "size_class": "gte250k",
        "adoptions": [
            {
                "innovation": {"slug": "warmtenet", "title": "Warmtenet"},
                "stage": "implemented",
                "started_on": today.isoformat(),
                "stage_since": today.isoformat(),
            }
        ],
        "rank": {
            "rank": 1,
            "score": 4.0,
            "score_per_10k": 4_000_000 / (100 * 374_238),
            "size_class_rank": 1,
            "launching_customer_count": 1,
            "koploper": False,
            "movement": None,
            "run": run.pk,
            "reference_date": today.isoformat(),
            "rank_low": 1,
            "rank_median": 1,
            "rank_high": 1,
            "size_class_rank_low": 1,
            "size_class_rank_median": 1,
            "size_class_rank_high": 1,
            "rank_per_10k": 1,
            "performance_group": "strong",
        },
    }


def test_api_municipality_detail_without_rank(client):
    MunicipalityFactory(code="GM0999")

    data = client.get("/api/v1/municipalities/GM0999").json()

    assert (data["adoptions"], data["rank"]) == ([], None)


def test_api_municipality_detail_unknown_code_is_404(client):
    response = client.get("/api/v1/municipalities/GM0000", HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, errors(response)) == (404, {"detail": "Not found."})


def per_10k_board():
    """A city with the most points and a village with the most points per inhabitant."""
    today = timezone.localdate()
    city = MunicipalityFactory(code="GM0363", name="Grootstad", population=900_000)
    village = MunicipalityFactory(code="GM0001", name="Dorpje", population=5_000)
    middle = MunicipalityFactory(code="GM0002", name="Middenstad", population=60_000)
    for town, count in ((city, 4), (village, 1), (middle, 2)):
        for _ in range(count):
            AdoptionFactory(municipality=town, innovation=InnovationFactory(), started_on=today)
    return ranking_recompute()


def test_api_ranking_orders_and_ranks_by_points_per_10k(client):
    per_10k_board()

    by_points = client.get("/api/v1/ranking").json()["results"]
    by_per_10k = client.get("/api/v1/ranking?ordering=rank_per_10k").json()["results"]

    assert [r["municipality"]["name"] for r in by_points] == ["Grootstad", "Middenstad", "Dorpje"]
    assert [(r["municipality"]["name"], r["rank_per_10k"], r["rank"]) for r in by_per_10k] == [
        ("Dorpje", 1, 3),
        ("Middenstad", 2, 2),
        ("Grootstad", 3, 1),
    ]
    explicit = client.get("/api/v1/ranking?ordering=rank").json()["results"]
    assert explicit == by_points


@pytest.mark.parametrize("value", ["score", "-rank", "name", "population; DROP"])
def test_api_ranking_unknown_ordering_is_400_with_a_message(client, make_board, value):
    make_board(1)

    response = client.get("/api/v1/ranking", {"ordering": value})

    assert response.status_code == 400
    assert errors(response) == {
        "ordering": [f"Unknown ordering “{value}”: use rank or rank_per_10k."]
    }
