"""The NLGov API Design Rules as the API keeps them for every endpoint (portal.problems,
portal.api_middleware, portal.api): problem details for every error, the API-Version
header, no trailing slashes, lowerCamelCase query keys and nothing else, strict paging with
an RFC 8288 Link header, CORS."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from innovations.models import Innovation
from portal import openapi
from ranking.api import RankingRunListView
from tests.factories import ChallengeFactory, InnovationFactory, supplier_user
from tests.problems import PROBLEM_JSON, errors, problem

pytestmark = pytest.mark.django_db

VERSION = settings.SPECTACULAR_SETTINGS["VERSION"]


@pytest.fixture
def api():
    client = APIClient(raise_request_exception=False)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_every_answer_carries_the_full_version(api):
    answers = [
        api.get("/api/v1/innovations"),
        api.get("/api/v1/innovations/nope"),
        api.get("/api/v1/openapi.json"),
        api.post("/api/v1/auth/token", {}, format="json"),
        api.get("/api/nothing"),
    ]

    assert [answer["API-Version"] for answer in answers] == [VERSION] * 5
    assert VERSION.count(".") == 2


def test_trailing_slash_is_a_404_problem(api):
    InnovationFactory(slug="zonnedak")

    with_slash = api.get("/api/v1/innovations/zonnedak/")
    post = api.post("/api/v1/challenges/", {}, format="json")

    assert api.get("/api/v1/innovations/zonnedak").status_code == 200
    assert problem(with_slash) == {
        "type": "tag:koploper.nl,2025:problem/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "Not found.",
        "instance": "/api/v1/innovations/zonnedak/",
    }
    assert problem(post)["status"] == 404


def test_addresses_outside_v1_are_404_problems_and_pages_keep_their_slash(api, client):
    assert problem(api.get("/api/v1"))["status"] == 404
    assert problem(api.get("/api"))["status"] == 404
    assert client.get("/api/docs").status_code == 301
    assert client.get("/nl/innovations").status_code == 301


def test_unknown_query_keys_are_400_listing_each(api):
    response = api.get("/api/v1/innovations", {"page_size": "5", "colour": "red", "q": "zon"})

    body = problem(response)
    assert body["title"] == "Invalid input"
    assert [param["name"] for param in body["invalidParams"]] == ["page_size", "colour"]
    assert {param["code"] for param in body["invalidParams"]} == {"unknown"}
    assert "pageSize" in body["detail"]


def test_query_keys_are_lower_camel_case_and_reach_the_filters(api):
    InnovationFactory(maturity=4)
    InnovationFactory(maturity=8)

    response = api.get("/api/v1/innovations", {"maturityMin": "6"})

    assert [item["maturity"] for item in response.json()["results"]] == [8]


def test_a_filter_error_names_the_public_query_key(api):
    response = api.get("/api/v1/innovations", {"maturityMin": "12"})

    assert list(errors(response)) == ["maturityMin"]


def test_an_unknown_ordering_is_400(api):
    response = api.get("/api/v1/municipalities", {"ordering": "-colour"})

    assert list(errors(response)) == ["ordering"]


@pytest.mark.parametrize("value", ["0", "-3", "abc", "null", "1.5", "101"])
def test_bad_page_size_is_400(api, value):
    response = api.get("/api/v1/innovations", {"pageSize": value})

    assert errors(response) == {"pageSize": ["Give a whole number from 1 to 100."]}


@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/v1/innovations", "approval="),
        ("/api/v1/innovations", "route=&q=zon"),
        ("/api/v1/innovations", "q="),
        ("/api/v1/innovations", "maturityMin="),
        ("/api/v1/innovations", "pageSize="),
        ("/api/v1/innovations", "domain=care&domain="),
        ("/api/v1/municipalities", "q="),
        ("/api/v1/municipalities", "ordering="),
        ("/api/v1/challenges", "province="),
    ],
)
def test_a_query_key_without_a_value_is_400(api, path, query):
    response = api.get(f"{path}?{query}")

    key = next(part.split("=")[0] for part in query.split("&") if part.endswith("="))
    assert errors(response) == {key: ["Give a value, or leave the key out."]}
    assert problem(response)["invalidParams"][0]["code"] == "blank"


def test_the_document_allows_no_empty_query_value():
    """Every query parameter: a string one has minLength 1 or an enum without ``, a list
    one at least one item; the others (numbers, booleans) have no empty value."""
    document = openapi.document("en")
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                if parameter["in"] != "query":
                    continue
                if schema.get("type") == "string":
                    assert schema.get("minLength", 0) >= 1 or "" not in schema.get("enum", [""])
                if schema.get("type") == "array":
                    assert schema.get("minItems", 0) >= 1, parameter["name"]


@pytest.mark.parametrize("value", ["0", "-1", "abc", "last"])
def test_bad_page_is_400_and_a_page_past_the_end_404(api, value):
    InnovationFactory()

    assert list(errors(api.get("/api/v1/innovations", {"page": value}))) == ["page"]
    assert problem(api.get("/api/v1/innovations", {"page": "2"}))["status"] == 404


def test_lists_keep_their_body_and_link_the_pages(api):
    ChallengeFactory.create_batch(5)

    response = api.get("/api/v1/challenges", {"pageSize": "2", "page": "2"})

    body = response.json()
    first = "http://testserver/api/v1/challenges?pageSize=2"
    third = "http://testserver/api/v1/challenges?page=3&pageSize=2"
    assert (body["count"], len(body["results"])) == (5, 2)
    assert (body["previous"], body["next"]) == (first, third)
    assert response["Link"] == (
        f'<{first}>; rel="first", <{first}>; rel="prev", '
        f'<{third}>; rel="next", <{third}>; rel="last"'
    )


def test_a_single_page_links_first_and_last(api):
    response = api.get("/api/v1/challenges")

    url = "http://testserver/api/v1/challenges"
    assert response["Link"] == f'<{url}>; rel="first", <{url}>; rel="last"'


def test_invalid_input_lists_every_field_error_at_once(api):
    api.force_authenticate(supplier_user())

    response = api.post(
        "/api/v1/supplier/innovations",
        {"maturity": 12, "domains": ["space"], "contact_email": "nope"},
        format="json",
    )

    body = problem(response)
    assert body["detail"] == "4 fields are invalid: title, domains, maturity, contact_email."
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [
        ("title", "required"),
        ("domains", "invalid_choice"),
        ("maturity", "max_value"),
        ("contact_email", "invalid"),
    ]


def test_wrong_content_type_is_a_415_problem(api):
    api.force_authenticate(supplier_user())

    response = api.post("/api/v1/supplier/innovations", "title=x", content_type="text/plain")

    assert problem(response)["type"] == "tag:koploper.nl,2025:problem/unsupported-media-type"


def test_wrong_method_is_a_405_problem_with_allow(api):
    response = api.delete("/api/v1/innovations")

    assert problem(response)["status"] == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_server_error_is_a_500_problem(api, monkeypatch):
    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(RankingRunListView, "get_queryset", broken)

    response = api.get("/api/v1/ranking/runs")

    assert problem(response) == {
        "type": "tag:koploper.nl,2025:problem/server-error",
        "title": "Server error",
        "status": 500,
        "detail": "Server error",
        "instance": "/api/v1/ranking/runs",
    }


@pytest.mark.translated
def test_problems_are_in_the_request_language(api):
    response = api.get("/api/v1/innovations", {"kleur": "rood"}, HTTP_ACCEPT_LANGUAGE="nl")

    body = problem(response)
    assert response["Content-Language"] == "nl"
    assert body["title"] == "Ongeldige invoer"
    assert body["invalidParams"][0]["reason"] == "Deze zoeksleutel is hier niet bekend."


def test_public_reads_are_open_to_the_allowed_origins_only(api, settings):
    settings.API_CORS_ALLOWED_ORIGINS = ["https://gemeente.example"]

    allowed = api.get("/api/v1/innovations", HTTP_ORIGIN="https://gemeente.example")
    other = api.get("/api/v1/innovations", HTTP_ORIGIN="https://elders.example")
    write = api.post(
        "/api/v1/challenges", {}, format="json", HTTP_ORIGIN="https://gemeente.example"
    )
    preflight = api.options(
        "/api/v1/innovations",
        HTTP_ORIGIN="https://gemeente.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert allowed["Access-Control-Allow-Origin"] == "https://gemeente.example"
    assert "API-Version" in allowed["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in write
    assert (preflight.status_code, preflight["Access-Control-Allow-Methods"]) == (204, "GET, HEAD")


def test_no_cross_origin_reads_by_default(api):
    response = api.get("/api/v1/innovations", HTTP_ORIGIN="https://gemeente.example")

    assert settings.API_CORS_ALLOWED_ORIGINS == []
    assert "Access-Control-Allow-Origin" not in response


def test_problem_media_type(api):
    response = api.get("/api/v1/innovations/nope")

    assert response["Content-Type"] == PROBLEM_JSON


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "name", "reason"),
    [
        ({"title": "Ok", "domains": {"energy": 1}}, "domains", "Must be a list (a JSON array)."),
        ({"title": "Ok", "domains": "energy"}, "domains", "Must be a list (a JSON array)."),
        ({"title": "Ok", "domains": ["energy", 7]}, "domains.1", "Must be text."),
        ({"title": "Ok", "maturity": "7"}, "maturity", "Must be a whole number or null."),
        ({"title": 12}, "title", "Must be text."),
    ],
)
def test_input_types_are_strict_where_the_schema_says_so(api, body, name, reason):
    """An array is an array, a number is no text: a 400 naming the field, nothing stored."""
    api.force_authenticate(supplier_user())

    response = api.post("/api/v1/supplier/innovations", body, format="json")

    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {"name": name, "reason": reason, "code": "invalid_type"}
    ]
    assert Innovation.objects.count() == 0


@pytest.mark.django_db
def test_type_errors_come_after_authentication(api):
    response = api.post("/api/v1/supplier/innovations", {"title": 12}, format="json")

    assert response.status_code == 401


@pytest.mark.translated
def test_type_errors_are_in_the_request_language(api):
    api.force_authenticate(supplier_user())

    response = api.post(
        "/api/v1/supplier/innovations",
        {"title": "Ok", "domains": {"energy": 1}},
        format="json",
        headers={"accept-language": "nl"},
    )

    assert response.json()["invalidParams"][0]["reason"] == "Moet een lijst (een JSON-array) zijn."
