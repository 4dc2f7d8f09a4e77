"""Strict validation of every API answer in the test suite against the committed OpenAPI
document (docs/openapi.yaml), as a strict client would do it: the status is documented for
the operation, the content type too, the body valid by JSON Schema 2020-12 with formats on
(`null` only where the schema allows it), and the documented required headers are there.

tests/conftest.py runs it on every answer of Django's test client (and REST framework's)
under /api/v1/; the schema fuzzing (tests/api/test_fuzz.py) runs it on each of its answers."""

import functools
import json
import re
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

COMMITTED = settings.BASE_DIR / "docs" / "openapi.yaml"
PREFIX = "/api/v1"
NOT_OPERATIONS = {"/api/v1/openapi.json", "/api/v1/openapi.yaml"}
# RFC 3986, appendix B, with only the characters a URI may hold.
_URI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")

FORMATS = FormatChecker()
for name, checker in Draft202012Validator.FORMAT_CHECKER.checkers.items():
    FORMATS.checkers[name] = checker


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_URI.match(value)) and bool(urlsplit(value).scheme)


@FORMATS.checks("uri-reference")
def _is_uri_reference(value) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


@functools.cache
def document() -> dict:
    return yaml.load(COMMITTED.read_text(), Loader=yaml.CSafeLoader)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource("urn:koploper:openapi", DRAFT202012.create_resource(document()))


@functools.cache
def _paths() -> list[tuple[re.Pattern, str]]:
    found = []
    for path in document()["paths"]:
        parts = [re.escape(part) for part in re.split(r"\{[^}]+\}", path)]
        found.append((re.compile("^" + re.escape(PREFIX) + "[^/]+".join(parts) + "$"), path))
    # Literal paths before templated ones (/challenges/mine before /challenges/{id}).
    return sorted(found, key=lambda item: item[1].count("{"))


def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": "urn:koploper:openapi#" + pointer},
        registry=_registry(),
        format_checker=FORMATS,
    )


@functools.cache
def _cached_validator(pointer: str) -> Draft202012Validator:
    return _validator(pointer)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def operation_of(path: str, method: str) -> tuple[str, dict] | None:
    method = "get" if method.lower() == "head" else method.lower()
    for pattern, template in _paths():
        if pattern.match(path):
            operation = document()["paths"][template].get(method)
            return (template, operation) if operation else None
    return None


def problems(method: str, url: str, response) -> list[str]:
    """What is wrong with `response` to `method url`; empty when it is as documented."""
    path = urlsplit(url).path
    if not path.startswith(PREFIX + "/") or path in NOT_OPERATIONS or method == "OPTIONS":
        return []  # OPTIONS: a CORS preflight, no operation
    where = f"{method} {path} {response.status_code}"
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    found = []
    if not response.get("API-Version"):
        found.append(f"{where}: no API-Version header")
    operation = operation_of(path, method)
    status = str(response.status_code)
    if operation is None or status not in operation[1]["responses"]:
        # No such operation (an unknown path 404, a method 405): a problem. A documented
        # operation answers only its documented statuses, or a server error (a problem).
        if response.status_code < 400 or (operation is not None and response.status_code < 500):
            found.append(f"{where}: status not documented")
        pointer = "/components/schemas/Problem"
        if content_type != "application/problem+json":
            found.append(f"{where}: {content_type!r}, not a problem")
            return found
    else:
        template, spec = operation
        documented = spec["responses"][status]
        for header, value in documented.get("headers", {}).items():
            header_spec = _resolve_header(value)
            if header_spec.get("required") and header not in response:
                found.append(f"{where}: no {header} header")
        content = documented.get("content")
        if not content:
            if response.content:
                found.append(f"{where}: a body where none is documented")
            return found
        if content_type not in content:
            found.append(f"{where}: {content_type!r}, documented: {sorted(content)}")
            return found
        pointer = "/paths/{}/{}/responses/{}/content/{}/schema".format(
            _escape(template),
            "get" if method.lower() == "head" else method.lower(),
            status,
            _escape(content_type),
        )
    if method.upper() == "HEAD":
        return found
    try:
        body = json.loads(response.content)
    except ValueError:
        found.append(f"{where}: the body is no JSON")
        return found
    for error in _cached_validator(pointer).iter_errors(body):
        location = "/".join(map(str, error.absolute_path)) or "(body)"
        found.append(f"{where}: {location}: {error.message[:300]}")
    return found


def _resolve_header(value: dict) -> dict:
    if "$ref" in value:
        return document()["components"]["headers"][value["$ref"].rsplit("/", 1)[1]]
    return value
