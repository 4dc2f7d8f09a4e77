"""The public municipality list page: filters, search, pagination, query count."""

import re

import pytest

from tests.factories import MunicipalityFactory

URL = "/en/municipalities/"


def row_names(response) -> list[str]:
    return [m.name for m in response.context["page"].object_list]


@pytest.mark.django_db
def test_municipality_list_filters_by_country_and_province(client, reference_municipalities):
    response = client.get(URL, {"country": "BE", "province": "BE-VLI"})

    page = response.context["page"]
    assert page.paginator.count == 38
    assert {m.country for m in page.object_list} == {"BE"}
    assert response.context["provinces"] == [
        (
            "Belgium",
            [
                ("BE-VAN", "Antwerpen"),
                ("BE-VLI", "Limburg (BE)"),
                ("BE-VOV", "Oost-Vlaanderen"),
                ("BE-VBR", "Vlaams-Brabant"),
                ("BE-VWV", "West-Vlaanderen"),
            ],
        )
    ]
    content = response.content.decode()
    assert "38 municipalities" in content
    assert '<option value="BE-VLI" selected>Limburg (BE)</option>' in content


@pytest.mark.django_db
def test_municipality_list_tells_the_two_limburgs_apart(client, reference_municipalities):
    dutch = client.get(URL, {"province": "NL-LI"})

    assert dutch.context["page"].paginator.count == 31
    assert "Heerlen" in [m.name for m in dutch.context["page"].paginator.object_list]
    assert "Hasselt" not in [m.name for m in dutch.context["page"].paginator.object_list]


@pytest.mark.django_db
def test_municipality_list_searches_by_name(client, reference_municipalities):
    response = client.get(URL, {"q": "  utrecht "})

    assert row_names(response) == ["Utrecht", "Utrechtse Heuvelrug"]
    assert 'value="utrecht"' in response.content.decode()


@pytest.mark.django_db
def test_municipality_list_ignores_unknown_filter_values(client, reference_municipalities):
    response = client.get(URL, {"country": "DE", "province": "Limburg"})

    assert (response.context["country"], response.context["province"]) == ("", "")
    assert response.context["page"].paginator.count == 627
    content = response.content.decode()
    assert "Unknown country “DE”: use NL or BE." in content
    assert "Unknown province “Limburg”: use its ISO 3166-2 code" in content


@pytest.mark.django_db
def test_municipality_list_paginates_and_keeps_the_filters(client, reference_municipalities):
    response = client.get(URL, {"country": "NL", "page": 2})

    content = response.content.decode()
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 50
    assert 'href="?country=NL&amp;page=3" rel="next"' in content
    assert 'href="?country=NL&amp;page=1" rel="prev"' in content


@pytest.mark.django_db
def test_municipality_list_empty_state(client, reference_municipalities):
    response = client.get(URL, {"q": "Atlantis"})

    content = response.content.decode()
    assert "No municipality matches these filters." in content
    # The empty text says so once (includes/queue_table.html): no "0 municipalities" too.
    assert "0 municipalities" not in content


@pytest.mark.django_db
def test_municipality_list_table_has_header_scopes_and_one_heading(client):
    MunicipalityFactory()

    content = client.get(URL).content.decode()

    assert content.count("<h1") == 1
    assert len(re.findall(r'<th scope="col"', content)) == 4


@pytest.mark.django_db
def test_municipality_detail_shows_the_reference_data(client):
    MunicipalityFactory(name="Zeist", slug="zeist", code="GM0355", population=66_000)

    content = client.get("/en/municipalities/zeist/").content.decode()

    assert '<h1 class="utrecht-heading-1">Zeist</h1>' in content
    assert "GM0355" in content
    assert "66,000" in content


@pytest.mark.django_db
def test_municipality_detail_unknown_slug_is_404(client):
    assert client.get("/en/municipalities/atlantis/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_municipality_list_query_count_does_not_grow_with_the_list(
    client, django_assert_num_queries, count
):
    MunicipalityFactory.create_batch(count)

    # The count and the page (the provinces are a fixed list).
    with django_assert_num_queries(2):
        response = client.get(URL, {"country": "NL"})

    assert len(response.context["page"].object_list) == count
