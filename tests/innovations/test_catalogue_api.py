"""The public innovations API: GET /api/v1/innovations/ and /api/v1/innovations/{slug}/."""

import datetime

import pytest
from django.db import connection

from innovations.enums import Status
from municipalities.enums import Stage, Verification
from tests.factories import AdoptionFactory, InnovationFactory, MunicipalityFactory
from tests.problems import errors

LIST = "/api/v1/innovations"


@pytest.fixture
def api_catalogue(db):
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle", province="Overijssel")
    utrecht = MunicipalityFactory(code="GM0344", name="Utrecht", province="Utrecht")
    solar = InnovationFactory(
        slug="zonnedak",
        title="Zonnedak",
        summary="Zonnepanelen op scholen.",
        domains=["energy"],
        maturity=8,
        published_at=datetime.datetime(2025, 1, 15, 12, 0, tzinfo=datetime.UTC),
        supplier__name="Zonnewijzer B.V.",
        supplier__size="sme",
        supplier__country="NL",
        supplier__website="https://zonnewijzer.example",
    )
    bike = InnovationFactory(
        slug="fietstelpaal", title="Fietstelpaal", domains=["mobility"], maturity=4
    )
    AdoptionFactory(
        innovation=solar,
        municipality=utrecht,
        stage=Stage.SCALED,
        started_on=datetime.date(2022, 5, 1),
        stage_since=datetime.date(2024, 1, 1),
    )
    AdoptionFactory(innovation=solar, municipality=zwolle, started_on=datetime.date(2023, 2, 1))
    AdoptionFactory(innovation=bike, municipality=zwolle, verification=Verification.CLAIMED)
    InnovationFactory(slug="concept", title="Concept", status=Status.DRAFT)
    return {"solar": solar, "bike": bike}


def test_innovation_list_returns_approved_innovations(client, api_catalogue):
    response = client.get(LIST, {"q": "zonne"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "zonnedak",
                "title": "Zonnedak",
                "summary": "Zonnepanelen op scholen.",
                "domains": ["energy"],
                "route": "market-ready",
                "maturity": 8,
                "supplier": {
                    "name": "Zonnewijzer B.V.",
                    "size": "sme",
                    "country": "NL",
                    "website": "https://zonnewijzer.example",
                },
                "adoption_count": 2,
                "published_at": "2025-01-15T13:00:00+01:00",
                "url": "http://testserver/nl/innovations/zonnedak/",
            }
        ],
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["fietstelpaal", "zonnedak"]),
        ({"domain": "mobility"}, ["fietstelpaal"]),
        ({"maturityMin": "5"}, ["zonnedak"]),
        ({"route": "needs-development"}, []),
        ({"province": "NL-OV"}, ["zonnedak"]),
        ({"hasAdoptions": "false"}, ["fietstelpaal"]),
        ({"ordering": "most_adopted"}, ["zonnedak", "fietstelpaal"]),
        ({"ordering": "title"}, ["fietstelpaal", "zonnedak"]),
        ({"q": "fiets or zon"}, ["fietstelpaal", "zonnedak"]),
        ({"q": "fiets of zon"}, ["fietstelpaal", "zonnedak"]),
        ({"q": '"fiets'}, ["fietstelpaal"]),  # an unbalanced quote closes at the end
        ({"q": "fiets or"}, ["fietstelpaal"]),  # an operator with nothing to join
        ({"q": "-fiets"}, ["zonnedak"]),
    ],
)
def test_innovation_list_filters(client, api_catalogue, params, expected):
    response = client.get(LIST, params)

    assert response.status_code == 200
    assert sorted(item["slug"] for item in response.json()["results"]) == sorted(expected)
    if "ordering" in params:
        assert [item["slug"] for item in response.json()["results"]] == expected


NOTHING_TO_SEARCH = {"de het een", "of", "- or -", '"&&|!:*('}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"domain": "space"}, "domain"),
        ({"route": "fast"}, "route"),
        ({"maturityMin": "10"}, "maturityMin"),
        ({"maturityMax": "drie"}, "maturityMax"),
        ({"supplierSize": "huge"}, "supplierSize"),
        ({"province": "Atlantis"}, "province"),
        ({"hasAdoptions": "maybe"}, "hasAdoptions"),
        ({"maturity_min": "5"}, "maturity_min"),
        ({"pageSize": "0"}, "pageSize"),
        ({"ordering": "-price"}, "ordering"),
        ({"q": "x" * 201}, "q"),
        # Nothing to search for: stop words only, lone operators, punctuation (a rule no
        # schema states: 422).
        ({"q": "de het een"}, "q"),
        ({"q": "of"}, "q"),
        ({"q": "- or -"}, "q"),
        ({"q": '"&&|!:*('}, "q"),
    ],
)
def test_innovation_list_rejects_unknown_filter_values(client, api_catalogue, params, field):
    response = client.get(LIST, params)

    assert response.status_code == (422 if params.get("q") in NOTHING_TO_SEARCH else 400)
    body = errors(response)
    assert list(body) == [field]
    assert isinstance(body[field], list)
    assert body[field]


def test_innovation_detail_lists_verified_adopters(client, api_catalogue):
    response = client.get(f"{LIST}/zonnedak")

    assert response.status_code == 200
    body = response.json()
    assert body["adoption_count"] == 2
    assert body["adopters"] == [
        {
            "municipality": {
                "code": "GM0344",
                "name": "Utrecht",
                "country": "NL",
                "province": "Utrecht",
            },
            "stage": "scaled",
            "started_on": "2022-05-01",
            "stage_since": "2024-01-01",
        },
        {
            "municipality": {
                "code": "GM0193",
                "name": "Zwolle",
                "country": "NL",
                "province": "Overijssel",
            },
            "stage": "pilot",
            "started_on": "2023-02-01",
            "stage_since": "2023-02-01",
        },
    ]
    assert body["description"] == api_catalogue["solar"].description


def test_innovation_detail_without_verified_adopters(client, api_catalogue):
    response = client.get(f"{LIST}/fietstelpaal")

    assert (response.json()["adoption_count"], response.json()["adopters"]) == (0, [])


@pytest.mark.parametrize("slug", ["concept", "bestaat-niet"])
def test_innovation_detail_is_404_unless_approved(client, api_catalogue, slug):
    response = client.get(f"{LIST}/{slug}")

    assert response.status_code == 404
    assert list(errors(response)) == ["detail"]


def test_innovation_list_is_paginated(client, db):
    InnovationFactory.create_batch(30)

    first = client.get(LIST).json()
    second = client.get(LIST, {"page": 2}).json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (30, 25, 5)
    assert first["next"] == "http://testserver/api/v1/innovations?page=2"


@pytest.mark.parametrize("n", [1, 20])
def test_innovation_list_query_count_does_not_grow_with_items(
    client, db, django_assert_max_num_queries, n
):
    municipalities = MunicipalityFactory.create_batch(3)
    for _ in range(n):
        innovation = InnovationFactory(domains=["energy", "care"])
        for municipality in municipalities:
            AdoptionFactory(innovation=innovation, municipality=municipality)

    # The compounds of the search word, then the page, counted in the same statement (the
    # domains come from the innovation's domain bits). On PostgreSQL the page's ids and the
    # count come from the catalogue's narrow rows, then its innovations by id (one more):
    # joined in the counting statement, every match's wide row would be read.
    searched = 3 if connection.vendor == "postgresql" else 2
    with django_assert_max_num_queries(searched):
        response = client.get(LIST, {"q": "innovatie", "domain": "energy"})

    assert response.json()["count"] == n
    assert [r["domains"] for r in response.json()["results"]] == [["care", "energy"]] * n
    # Without a search: the count, then the page.
    with django_assert_max_num_queries(2):
        response = client.get(LIST, {"domain": "energy"})

    assert response.json()["count"] == n


def test_innovation_list_search_by_relevance_counts_with_its_page(client, db):
    InnovationFactory.create_batch(30, title="Slimme lantaarnpaal")
    InnovationFactory.create_batch(2, title="Deelfiets")

    pages = [client.get(LIST, {"q": "lantaarnpaal", "page": n}) for n in (1, 2, 3)]
    none = client.get(LIST, {"q": "warmtepomp"})
    newest = client.get(LIST, {"q": "lantaarnpaal", "ordering": "newest", "page": 2})

    first, second = pages[0].json(), pages[1].json()
    assert (first["count"], len(first["results"])) == (30, 25)
    assert (second["count"], len(second["results"])) == (30, 5)
    assert (first["next"], second["next"]) == (
        f"http://testserver{LIST}?page=2&q=lantaarnpaal",
        None,
    )
    assert pages[2].status_code == 404
    assert (none.status_code, none.json()["count"], none.json()["results"]) == (200, 0, [])
    assert (newest.json()["count"], len(newest.json()["results"])) == (30, 5)
    slugs = [r["slug"] for r in first["results"] + second["results"]]
    assert len(set(slugs)) == 30


@pytest.mark.parametrize("n", [1, 20])
def test_innovation_detail_query_count_does_not_grow_with_adopters(
    client, db, django_assert_max_num_queries, n
):
    innovation = InnovationFactory(domains=["energy", "care"])
    for municipality in MunicipalityFactory.create_batch(n):
        AdoptionFactory(innovation=innovation, municipality=municipality)

    # The innovation (supplier joined, domains from its bits) and its adopters.
    with django_assert_max_num_queries(2):
        response = client.get(f"{LIST}/{innovation.slug}")

    assert len(response.json()["adopters"]) == n


def test_innovation_api_is_in_the_schema(client, db):
    response = client.get("/api/v1/openapi.json")

    schema = response.json()
    parameters = {p["name"] for p in schema["paths"]["/innovations"]["get"]["parameters"]}
    assert {"q", "domain", "route", "maturityMin", "maturityMax", "ordering", "page"} <= (
        parameters
    )
    assert "/innovations/{slug}" in schema["paths"]
