import pytest

from tests.factories import MunicipalityFactory
from tests.problems import errors

URL = "/api/v1/municipalities"


def names(response):
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_municipality_api_lists_the_contract_fields(client):
    MunicipalityFactory(
        code="GM0344",
        name="Utrecht",
        slug="utrecht",
        country="NL",
        province="Utrecht",
        population=374_238,
    )

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "code": "GM0344",
                "name": "Utrecht",
                "slug": "utrecht",
                "country": "NL",
                "province_code": "NL-UT",
                "province": "Utrecht",
                "population": 374_238,
                "size_class": "gte250k",
            }
        ],
    }


@pytest.mark.django_db
def test_municipality_api_filters_by_country_and_province(client, reference_municipalities):
    belgian_limburg = client.get(URL, {"province": "BE-VLI", "pageSize": 100})
    dutch_limburg = client.get(URL, {"province": "NL-LI", "pageSize": 100})
    by_name = client.get(URL, {"province": "Limburg"})
    dutch = client.get(URL, {"country": "NL"})

    assert belgian_limburg.json()["count"] == 38
    assert {row["country"] for row in belgian_limburg.json()["results"]} == {"BE"}
    assert {row["province_code"] for row in dutch_limburg.json()["results"]} == {"NL-LI"}
    assert dutch_limburg.json()["count"] == 31
    # A name does not tell the two Limburgs apart: it is refused, with what to use instead.
    assert by_name.status_code == 400
    assert dutch.json()["count"] == 342


@pytest.mark.django_db
def test_municipality_api_searches_name_and_code(client, reference_municipalities):
    by_name = client.get(URL, {"q": "utrecht"})
    by_code = client.get(URL, {"q": "gm0363"})

    assert names(by_name) == ["Utrecht", "Utrechtse Heuvelrug"]
    assert names(by_code) == ["Amsterdam"]


@pytest.mark.django_db
def test_municipality_api_orders_by_population(client, reference_municipalities):
    response = client.get(URL, {"ordering": "-population", "pageSize": 3})

    assert names(response) == ["Amsterdam", "Rotterdam", "'s-Gravenhage"]


@pytest.mark.django_db
def test_municipality_api_is_paginated(client, reference_municipalities):
    response = client.get(URL, {"country": "NL", "page": 2})

    body = response.json()
    assert (body["count"], len(body["results"])) == (342, 25)
    assert body["next"].endswith("/api/v1/municipalities?country=NL&page=3")
    assert body["previous"].endswith("/api/v1/municipalities?country=NL")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"country": "DE"}, "country", "Unknown country “DE”: use NL or BE."),
        (
            {"province": "Bavaria"},
            "province",
            "Unknown province “Bavaria”: use its ISO 3166-2 code, such as NL-LI (Limburg, "
            "Netherlands) or BE-VLI (Limburg, Belgium).",
        ),
        ({"ordering": "mayor"}, "ordering", "Select a valid choice."),
    ],
)
def test_municipality_api_refuses_unknown_filter_values(client, params, field, message):
    MunicipalityFactory(province="Utrecht")

    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert list(errors(response)) == [field]
    assert errors(response)[field][0].startswith(message)


@pytest.mark.django_db
def test_municipality_api_unknown_page_is_404(client):
    MunicipalityFactory()

    response = client.get(URL, {"page": 9}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert errors(response) == {"detail": "Invalid page."}


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 25])
def test_municipality_api_query_count_does_not_grow_with_the_list(
    client, django_assert_num_queries, count
):
    MunicipalityFactory.create_batch(count)

    # The count and the page (the provinces are a fixed list).
    with django_assert_num_queries(2):
        response = client.get(URL, {"country": "NL", "province": "NL-UT"})

    assert len(response.json()["results"]) == count
