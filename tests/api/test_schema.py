"""The OpenAPI document: the committed docs/openapi.yaml is what the code generates and what
/api/v1/openapi.json and .yaml serve (public, CORS open); its structure is the same in every
language; it documents every error an operation answers as a problem; the docs page uses
only local assets and reads the same document."""

import re

import hypothesis
import jsonschema_rs
import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.validators import URLValidator
from hypothesis import strategies as st

from core.validators import WEB_ADDRESS

COMMITTED = settings.BASE_DIR / "docs" / "openapi.yaml"
PROBLEM = {"$ref": "#/components/schemas/Problem"}
PROSE = {"description", "summary", "title"}
URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)


@pytest.fixture(scope="module")
def committed():
    return yaml.load(COMMITTED.read_text(), Loader=yaml.CSafeLoader)


def test_committed_schema_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"

    # The same command as `make schema`: it also fails on any warning or invalid schema.
    call_command(
        "spectacular", "--lang", "en", "--validate", "--fail-on-warn", "--file", str(generated)
    )

    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run `make schema` and commit the result"
    )


def test_served_document_is_the_committed_one_without_authentication(client, committed):
    as_json = client.get("/api/v1/openapi.json", {"lang": "en"})
    as_yaml = client.get("/api/v1/openapi.yaml", {"lang": "en"})

    assert (as_json.status_code, as_yaml.status_code) == (200, 200)
    assert as_json["Content-Type"] == "application/vnd.oai.openapi+json"
    assert as_json.json() == committed
    assert yaml.load(as_yaml.content, Loader=yaml.CSafeLoader) == committed


def test_served_document_is_open_to_every_origin(client):
    response = client.get("/api/v1/openapi.json", headers={"origin": "https://elders.example"})

    assert response["Access-Control-Allow-Origin"] == "*"


def _structure(node):
    """The document without its prose: what a generated client is made of."""
    if isinstance(node, dict):
        return {key: _structure(value) for key, value in node.items() if key not in PROSE}
    if isinstance(node, list):
        return [_structure(value) for value in node]
    return node


@pytest.mark.translated
def test_structure_is_the_same_in_every_language(client, committed):
    dutch = client.get("/api/v1/openapi.json", headers={"accept-language": "nl"}).json()
    english = client.get("/api/v1/openapi.json", {"lang": "en"}).json()

    assert dutch != english  # translated prose
    assert _structure(dutch) == _structure(english) == _structure(committed)


def test_document_states_version_contact_and_servers(committed):
    assert committed["openapi"] == "3.1.0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", committed["info"]["version"])
    assert set(committed["info"]["contact"]) == {"name", "url", "email"}
    assert committed["servers"] == [{"url": "/api/v1", "description": "This portal"}]


def test_schema_documents_the_contract_endpoints(committed):
    operations = {
        (method.upper(), path)
        for path, item in committed["paths"].items()
        for method in item
        if method != "parameters"
    }

    assert {
        ("POST", "/auth/token"),
        ("GET", "/innovations"),
        ("GET", "/innovations/{slug}"),
        ("GET", "/municipalities"),
        ("GET", "/municipalities/{code}"),
        ("GET", "/ranking"),
        ("GET", "/ranking/runs"),
        ("GET", "/challenges"),
        ("GET", "/challenges/{id}"),
        ("POST", "/challenges"),
        ("POST", "/challenges/{id}/responses"),
        ("GET", "/challenges/{id}/suggestions"),
        ("POST", "/supplier/innovations"),
        ("GET", "/supplier/innovations/{id}"),
        ("PATCH", "/supplier/innovations/{id}"),
        ("POST", "/supplier/innovations/{id}/submit"),
        ("GET", "/review/innovations"),
        ("POST", "/review/innovations/{id}/claim"),
        ("POST", "/review/innovations/{id}/decision"),
        ("POST", "/adoptions"),
        ("PATCH", "/adoptions/{id}"),
        ("POST", "/review/adoptions/{id}/verify"),
    } <= operations


def _operations(committed):
    for path, item in committed["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _responses(committed, method, path):
    return committed["paths"][path][method]["responses"]


def test_every_response_has_the_version_header_and_every_error_is_a_problem(committed):
    for method, path, operation in _operations(committed):
        for code, response in operation["responses"].items():
            where = f"{method} {path} {code}"
            assert response["headers"]["API-Version"] == {
                "$ref": "#/components/headers/API-Version"
            }, where
            if code >= "400":
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}
        too_many = operation["responses"]["429"]
        assert too_many["headers"]["Retry-After"] == {"$ref": "#/components/headers/Retry-After"}


def test_query_keys_are_lower_camel_case(committed):
    keys = {
        parameter["name"]
        for _method, _path, operation in _operations(committed)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    }

    assert {"pageSize", "maturityMin", "sizeClass", "olderThanDays"} <= keys
    assert [key for key in keys if not re.fullmatch(r"[a-z][a-zA-Z0-9]*", key)] == []


def test_lists_document_the_link_header_and_strict_paging(committed):
    listing = committed["paths"]["/innovations"]["get"]
    paging = {p["name"]: p["schema"] for p in listing["parameters"] if p["name"].startswith("page")}

    assert listing["responses"]["200"]["headers"]["Link"] == {"$ref": "#/components/headers/Link"}
    assert paging == {
        "page": {"type": "integer", "minimum": 1},
        "pageSize": {"type": "integer", "minimum": 1, "maximum": 100},
    }


def test_error_statuses_follow_who_may_call(committed):
    def codes(method, path):
        return sorted(_responses(committed, method, path))

    # Public read with filters: bad filter 400, a bad token 401, a page past the end 404,
    # a search of common words only 422.
    assert codes("get", "/innovations") == [
        "200",
        "400",
        "401",
        "404",
        "406",
        "414",
        "422",
        "429",
    ]
    # Public read of one object (400: an unknown query key or an address that is not text).
    assert codes("get", "/innovations/{slug}") == ["200", "400", "401", "404", "406", "414", "429"]
    # The token endpoint takes no credentials: no 401/403; 415 a body that is not JSON.
    assert codes("post", "/auth/token") == ["200", "400", "406", "414", "415", "429"]
    # A transition: every refusal, 409 for the state.
    assert codes("post", "/review/innovations/{id}/claim") == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "406",
        "409",
        "414",
        "429",
    ]
    # A write: 422 for well-formed input that names nothing or breaks a rule of the domain.
    assert codes("post", "/adoptions") == [
        "201",
        "400",
        "401",
        "403",
        "406",
        "414",
        "415",
        "422",
        "429",
    ]
    # A list filtered by a reference (?municipality=GM0344) names nothing: 422.
    assert "422" in codes("get", "/adoptions")


def test_problem_schema_is_documented_once(committed):
    schemas = committed["components"]["schemas"]
    claim = _responses(committed, "post", "/review/innovations/{id}/claim")

    assert schemas["Problem"]["required"] == ["type", "title", "status", "detail", "instance"]
    assert "invalidParams" in schemas["Problem"]["properties"]
    assert [name for name in schemas if "rror" in name or "roblem" in name] == ["Problem"]
    assert claim["409"]["description"] == "Not submitted, or already claimed."
    assert claim["401"]["headers"]["WWW-Authenticate"] == {
        "$ref": "#/components/headers/WWW-Authenticate"
    }


def test_enums_have_one_name_per_choice_set(committed):
    enums = sorted(name for name in committed["components"]["schemas"] if name.endswith("Enum"))

    assert {"DomainEnum", "InnovationStatusEnum", "ReviewDecisionEnum"} <= set(enums)
    # No hashed names from collisions (e.g. Status4c9Enum).
    assert [name for name in enums if re.search(r"[0-9a-f]{3}Enum$", name)] == []


def test_docs_page_uses_local_assets_only(client):
    response = client.get("/api/docs/")

    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert response.status_code == 200
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith(
            ("/static/drf_spectacular_sidecar/", "/api/docs/", "/static/css/api-docs.css")
        ), asset
        if asset.startswith(settings.STATIC_URL):
            assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset
    # No inline script: Swagger UI's set-up is served as a file (a CSP can forbid inline).
    assert "<script>" not in html
    assert "<style>" not in html


def test_docs_page_script_reads_the_published_document(client):
    response = client.get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"/api/v1/openapi.json" in response.content


@pytest.mark.django_db
def test_footer_links_to_the_api_docs(client):
    response = client.get("/en/")

    assert b'href="/api/docs/"' in response.content


@hypothesis.settings(max_examples=300, database=None, deadline=None)
@hypothesis.given(address=st.from_regex(WEB_ADDRESS, fullmatch=True))
def test_a_web_address_the_document_allows_is_one_the_server_takes(address):
    """The `website` pattern is never looser than the server (Django's URLValidator, which
    also bounds the host name to 253 characters), nor than `format: uri` (which the answer
    is checked against)."""
    URLValidator()(address)
    assert URI.is_valid(address)


def test_the_web_address_pattern_takes_ordinary_addresses_and_says_where_it_applies(committed):
    pattern = re.compile(WEB_ADDRESS)
    for address in (
        "https://www.gemeente.amsterdam.nl/wonen/",
        "http://example.org",
        "HTTPS://a.b.c.d.example.com:8080/x?y=1#z",
        "ftp://files.example.be/",
        "https://example.org/a%20b?q=x/y#top",
    ):
        assert pattern.search(address), address
    long_host = ".".join(["a" * 63] * 4) + ".org"  # 259 characters: the server refuses it
    assert not pattern.search(f"https://{long_host}")
    website = committed["components"]["schemas"]["PatchedSupplierRequest"]["properties"]["website"]
    assert website["oneOf"][0]["pattern"] == WEB_ADDRESS
