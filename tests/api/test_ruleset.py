"""The official ruleset of the NLGov API Design Rules (docs/nlgov/linter.yaml, Logius, CC BY
4.0), run with Spectral from npm as a municipal architect runs it, on the committed document
and on the one served at /api/v1/openapi.json: no error and no warning. And
openapi-spec-validator, another tool no one here wrote, accepts the document."""

import json
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

COMMITTED = settings.BASE_DIR / "docs" / "openapi.yaml"
RULESET = settings.BASE_DIR / "docs" / "nlgov" / "linter.yaml"
SPECTRAL = settings.BASE_DIR / "node_modules" / ".bin" / "spectral"
SEVERITY = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def _spectral(*documents) -> list[dict]:
    assert SPECTRAL.exists() or shutil.which("npm") is None, (
        "Spectral is missing: `make assets` (npm ci) installs it"
    )
    # S603: fixed arguments, no shell.
    result = subprocess.run(  # noqa: S603
        [str(SPECTRAL), "lint", "-q", "-f", "json", "-r", str(RULESET), *map(str, documents)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def _findings(results) -> list[str]:
    return [
        f"{SEVERITY[r['severity']]} {r['code']} {'.'.join(map(str, r['path']))}: {r['message']}"
        for r in results
        if r["severity"] <= 1
    ]


def test_the_ruleset_is_the_official_one_with_its_attribution():
    readme = (RULESET.parent / "README.md").read_text()

    assert "Logius" in readme and "CC BY 4.0" in readme
    assert "developer.overheid.nl" in RULESET.read_text()


def test_committed_and_served_documents_pass_the_ruleset(client, tmp_path):
    served = tmp_path / "openapi.json"
    served.write_bytes(client.get("/api/v1/openapi.json").content)
    english = tmp_path / "openapi-en.json"
    english.write_bytes(client.get("/api/v1/openapi.json", {"lang": "en"}).content)

    results = _spectral(COMMITTED, served, english)

    assert _findings(results) == []


def test_the_ruleset_finds_what_it_should(tmp_path):
    """Not a ruleset that passes everything: a trailing slash, a snake_case query key and an
    error that is not a problem are each reported."""
    document = yaml.load(COMMITTED.read_text(), Loader=yaml.CSafeLoader)
    listing = document["paths"].pop("/innovations")
    listing["get"]["parameters"][0]["name"] = "page_size"
    listing["get"]["responses"]["400"]["content"] = {
        "application/json": listing["get"]["responses"]["400"]["content"][
            "application/problem+json"
        ]
    }
    document["paths"]["/innovations/"] = listing
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(document))

    errors = {result["code"] for result in _spectral(broken) if result["severity"] == 0}

    # The trailing slash: Spectral's own OpenAPI rule, which the ruleset extends (its own
    # nlgov:paths-no-trailing-slash looks for a space before the slash).
    assert {
        "path-keys-no-trailing-slash",
        "nlgov:query-keys-camel-case",
        "nlgov:use-problem-schema",
    } <= errors


def test_openapi_spec_validator_accepts_the_document(client):
    validate(yaml.load(COMMITTED.read_text(), Loader=yaml.CSafeLoader))
    validate(client.get("/api/v1/openapi.json", headers={"accept-language": "nl"}).json())


def test_openapi_spec_validator_is_strict():
    document = yaml.load(COMMITTED.read_text(), Loader=yaml.CSafeLoader)
    document["components"]["schemas"]["Problem"]["properties"]["status"]["type"] = "number-ish"

    with pytest.raises(OpenAPIValidationError):
        validate(document)
