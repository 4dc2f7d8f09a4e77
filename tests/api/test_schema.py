"""The OpenAPI schema: the committed docs/openapi.yaml is what the code generates and what
/api/schema/ serves; it documents every error an operation answers; the docs page uses
only local assets and the footer links to it."""

import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

COMMITTED = settings.BASE_DIR / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def committed():
    return yaml.safe_load(COMMITTED.read_text())


def test_committed_schema_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"

    # The same command as `make schema`: it also fails on any warning or invalid schema.
    call_command(
        "spectacular", "--lang", "en", "--validate", "--fail-on-warn", "--file", str(generated)
    )

    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run `make schema` and commit the result"
    )


def test_served_schema_is_the_committed_one(client, committed):
    response = client.get("/api/schema/", {"lang": "en", "format": "json"})

    assert response.status_code == 200
    assert response.json() == committed


def test_schema_documents_the_contract_endpoints(committed):
    operations = {
        (method.upper(), path)
        for path, item in committed["paths"].items()
        for method in item
        if method != "parameters"
    }

    assert {
        ("POST", "/api/v1/auth/token"),
        ("GET", "/api/v1/innovations"),
        ("GET", "/api/v1/innovations/{slug}"),
        ("GET", "/api/v1/municipalities"),
        ("GET", "/api/v1/municipalities/{code}"),
        ("GET", "/api/v1/ranking"),
        ("GET", "/api/v1/ranking/runs"),
        ("GET", "/api/v1/challenges"),
        ("GET", "/api/v1/challenges/{id}"),
        ("POST", "/api/v1/challenges"),
        ("POST", "/api/v1/challenges/{id}/responses"),
        ("GET", "/api/v1/challenges/{id}/suggestions"),
        ("POST", "/api/v1/supplier/innovations"),
        ("GET", "/api/v1/supplier/innovations/{id}"),
        ("PATCH", "/api/v1/supplier/innovations/{id}"),
        ("POST", "/api/v1/supplier/innovations/{id}/submit"),
        ("GET", "/api/v1/review/innovations"),
        ("POST", "/api/v1/review/innovations/{id}/claim"),
        ("POST", "/api/v1/review/innovations/{id}/decision"),
        ("POST", "/api/v1/adoptions"),
        ("PATCH", "/api/v1/adoptions/{id}"),
        ("POST", "/api/v1/review/adoptions/{id}/verify"),
    } <= operations


def _responses(committed, method, path):
    return committed["paths"][path][method]["responses"]


def test_every_operation_documents_throttling_with_retry_after(committed):
    for path, item in committed["paths"].items():
        for method, operation in item.items():
            too_many = operation["responses"].get("429")
            assert too_many is not None, f"{method} {path} has no 429"
            assert too_many["headers"]["Retry-After"]["schema"] == {"type": "integer"}
            assert too_many["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }


def test_error_statuses_follow_who_may_call(committed):
    def codes(method, path):
        return sorted(_responses(committed, method, path))

    # Public read with filters: bad filter 400, a bad token 401, a page past the end 404.
    assert codes("get", "/api/v1/innovations") == ["200", "400", "401", "404", "429"]
    # Public read of one object (400: an address that is not text, portal.middleware).
    assert codes("get", "/api/v1/innovations/{slug}") == ["200", "400", "401", "404", "429"]
    # The token endpoint takes no credentials: no 401/403; 415 a body that is not JSON.
    assert codes("post", "/api/v1/auth/token") == ["200", "400", "415", "429"]
    # A transition: every refusal, 409 for the state.
    assert codes("post", "/api/v1/review/innovations/{id}/claim") == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "429",
    ]
    assert codes("post", "/api/v1/adoptions") == ["201", "400", "401", "403", "415", "429"]


def test_error_bodies_are_the_contract_format(committed):
    schemas = committed["components"]["schemas"]
    claim = _responses(committed, "post", "/api/v1/review/innovations/{id}/claim")
    create = _responses(committed, "post", "/api/v1/adoptions")

    assert schemas["Error"]["required"] == ["detail"]
    assert claim["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert claim["409"]["description"] == "Not submitted, or already claimed."
    assert create["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FieldErrors"
    }
    assert claim["401"]["headers"]["WWW-Authenticate"]["schema"] == {"type": "string"}


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


def test_docs_page_script_points_at_the_schema(client):
    response = client.get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in response.content


@pytest.mark.django_db
def test_footer_links_to_the_api_docs(client):
    response = client.get("/en/")

    assert b'href="/api/docs/"' in response.content
