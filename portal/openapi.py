"""The API's OpenAPI document (settings: DEFAULT_SCHEMA_CLASS; the postprocessing hook is
portal.openapi_postprocess). Its own module, because REST framework imports it while it loads
its settings: it must not import views.

What it adds to drf-spectacular's document, for every operation, so that a new endpoint
complies with the NLGov API Design Rules without asking:
- every error status the operation can answer, each a problem (one `Problem` schema,
  `application/problem+json`, portal.problems);
- the `API-Version` header on every response, `Link` on lists, `WWW-Authenticate` on 401,
  `Retry-After` on 429;
- query keys in lowerCamelCase (`maturity_min` is documented and accepted as
  `maturityMin`; the API middleware checks and translates them with query_keys()), none
  with an empty value.

The document is generated once per process and language (document())."""

import functools
import re
import threading

from django import forms as django_forms
from django.utils import translation
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers

from .problems import PROBLEM_JSON

_PUBLIC = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly)
_SAFE = ("GET", "HEAD", "OPTIONS")


class ProblemSerializer(serializers.Serializer):
    """Documented by ProblemExtension (a serializer only to have one component)."""


class ProblemExtension(OpenApiSerializerExtension):
    target_class = ProblemSerializer

    def get_name(self, auto_schema, direction):
        return "Problem"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "Problem details (RFC 9457), in the request's language.",
            "properties": {
                "type": {
                    "type": "string",
                    "format": "uri",
                    "description": "The kind of problem, e.g. "
                    "`tag:koploper.nl,2025:problem/invalid-input` (an identifier).",
                },
                "title": {"type": "string", "description": "A short summary of the kind."},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string", "description": "What went wrong this time."},
                "instance": {
                    "type": "string",
                    "format": "uri-reference",
                    "description": "The path of the request.",
                },
                "invalidParams": {
                    "type": "array",
                    "description": "Invalid input (400): every field or query key in error, "
                    "nested fields as `scores.novelty`.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "reason": {"type": "string"},
                            "code": {"type": "string"},
                        },
                        "required": ["name", "reason", "code"],
                    },
                },
            },
            "required": ["type", "title", "status", "detail", "instance"],
        }


def camel(name: str) -> str:
    """`maturity_min` → `maturityMin` (a lowerCamelCase name stays as it is)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


HEADER = "#/components/headers/"
# Filled while the document is generated: (path, method) → {public key: declared name}, and
# → the JSON schema of the request body.
_QUERY_NAMES: dict[tuple[str, str], dict[str, str]] = {}
_BODIES: dict[tuple[str, str], dict] = {}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus every error status an operation can answer (an explicit
    `OpenApiResponse` in a view keeps its description), its headers and camelCase keys:

    400 invalid input or query keys, or an address or query that is not text (see
    portal.middleware; so every operation can answer it); 422 well-formed input that names
    nothing or breaks a rule of the domain; 415 a body that is not JSON;
    401 no or a bad token (on any endpoint that takes one); 403 signed in without the
    right, or a write without a CSRF token on a session;
    404 a path that names nothing visible, or a page past the end; 406 an Accept header
    that takes no JSON; 429 throttled."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        names = {}
        filters = getattr(getattr(self.view, "filterset_class", None), "base_filters", {})
        for parameter in operation.get("parameters", []):
            _text_without_bad_characters(parameter.get("schema", {}))
            if parameter["in"] == "query":
                _bounds(parameter.get("schema", {}), filters.get(parameter["name"]))
                _not_blank(parameter.get("schema", {}))
                names[camel(parameter["name"])] = parameter["name"]
                parameter["name"] = camel(parameter["name"])
        _QUERY_NAMES[(path, method.upper())] = names
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            _BODIES[(path, method.upper())] = body["schema"]

        # A public operation says that it needs no credentials (drf-spectacular leaves out
        # the empty requirement for views without permission classes).
        if "security" in operation and self._anonymous_may() and {} not in operation["security"]:
            operation["security"].append({})

        responses = operation["responses"]
        statuses = self._error_statuses(operation)
        # Errors a view declares itself (409 for a transition, say) get the problem body too.
        statuses.update({code: "" for code in responses if code >= "400" and code not in statuses})
        problem_ref = self.resolve_serializer(ProblemSerializer, "response").ref
        for code, description in statuses.items():
            explicit = responses.get(code) or {}
            responses[code] = {
                "description": explicit.get("description") or description,
                "content": {PROBLEM_JSON: {"schema": problem_ref}},
            }
        for code, response in responses.items():
            headers = {"API-Version": {"$ref": HEADER + "API-Version"}}
            if code == "200" and "page" in names:
                headers["Link"] = {"$ref": HEADER + "Link"}
            if code == "401":
                headers["WWW-Authenticate"] = {"$ref": HEADER + "WWW-Authenticate"}
            if code == "429":
                headers["Retry-After"] = {"$ref": HEADER + "Retry-After"}
            response["headers"] = {**response.get("headers", {}), **headers}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _get_request_for_media_type(self, serializer, direction="request"):
        """A PATCH whose view validates the whole body (`patch_is_partial = False`) documents
        its required fields as required (drf-spectacular takes every PATCH as partial)."""
        if self.method == "PATCH" and not getattr(self.view, "patch_is_partial", True):
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        """Lists of a request that may not be empty say so (minItems)."""
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction != "request":
            return schema
        for name, field in serializer.fields.items():
            member = schema.get("properties", {}).get(name)
            if (
                isinstance(field, serializers.ListSerializer)
                and not field.allow_empty
                and member is not None
            ):
                member["minItems"] = 1
        return schema

    def _filters_by_reference(self) -> bool:
        """Whether a query key of the operation names an object (a code, a slug), or has a
        rule that no schema states (`unprocessable` on the filter: a search)."""
        from django_filters import ModelChoiceFilter

        filters = getattr(getattr(self.view, "filterset_class", None), "base_filters", {})
        return any(
            isinstance(f, ModelChoiceFilter) or getattr(f, "unprocessable", False)
            for f in filters.values()
        )

    def _anonymous_may(self) -> bool:
        """Whether a caller without credentials may call the operation (public reads)."""
        permissions_ = self.view.get_permissions()
        return all(isinstance(p, _PUBLIC) for p in permissions_) and (
            self.method in _SAFE or all(isinstance(p, permissions.AllowAny) for p in permissions_)
        )

    def _error_statuses(self, operation) -> dict[str, str]:
        parameters = operation.get("parameters", [])
        takes_input = "requestBody" in operation or any(
            p["in"] == "query" and p["name"] not in ("page", "pageSize") for p in parameters
        )
        public = all(isinstance(p, _PUBLIC) for p in self.view.get_permissions())
        statuses = {}
        if takes_input:
            statuses["400"] = "Invalid input: every field or query key in error."
        else:
            statuses["400"] = "An unknown query key, or an address that is not text."
        if "requestBody" in operation:
            statuses["415"] = "A body that is not JSON."
        if (
            "requestBody" in operation and getattr(self.view, "unprocessable", True)
        ) or self._filters_by_reference():
            statuses["422"] = (
                "Well-formed input that names an object that does not exist, breaks a rule of "
                "the domain or repeats what exists (every reason in invalidParams)."
            )
        if self.view.get_authenticators():
            statuses["401"] = (
                "An invalid, expired or revoked token (anonymous callers need none)."
                if public and self.method in _SAFE
                else "Not signed in, or an invalid, expired or revoked token."
            )
            if self.method not in _SAFE or not public:
                statuses["403"] = "Signed in, but not allowed to do this."
        if any(p["in"] == "path" for p in parameters):
            statuses["404"] = "Not found, or not visible to the caller."
        elif any(p["name"] == "page" for p in parameters):
            statuses["404"] = "A page past the end."
        statuses["406"] = "An Accept header that takes no JSON."
        statuses["414"] = "An address (path and query) longer than API_MAX_URL_LENGTH (8190)."
        statuses["429"] = "Too many requests; see Retry-After."
        return statuses


# What the API refuses in any address or query (portal.middleware, core.validators): control
# characters other than tab and line breaks, and bidirectional overrides.
NO_BAD_CHARACTERS = (
    "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
    "\\u202a-\\u202e\\u2066-\\u2069]*$"
)


def _text_without_bad_characters(schema: dict) -> None:
    """A free-text path or query parameter documents what the server refuses."""
    if schema.get("type") == "string" and not {"enum", "pattern", "format"} & set(schema):
        schema["pattern"] = NO_BAD_CHARACTERS


def _bounds(schema: dict, filter_) -> None:
    """A filter's bounds (min_value, max_value), whole numbers and choices, as the server
    checks them (drf-spectacular leaves out choices given as a callable, which keeps their
    labels in the request's language)."""
    if filter_ is None:
        return
    choices = filter_.extra.get("choices")
    if callable(choices) and "enum" not in schema and schema.get("type") == "string":
        schema["enum"] = [value for value, _label in choices()]
        schema.pop("pattern", None)
    if getattr(filter_, "field_class", None) is django_forms.IntegerField and schema.get(
        "type"
    ) in ("number", "integer"):
        schema["type"] = "integer"
        schema.pop("format", None)
    for option, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
        if filter_.extra.get(option) is not None:
            schema[keyword] = filter_.extra[option]


def _not_blank(schema: dict) -> None:
    """A query key with an empty value (`?q=`) is a 400 (portal.api_middleware): a text
    parameter says so, and a list one that it has an item (an empty list is sent as
    `?ordering=`); an enum, a number or a boolean has no empty value anyway."""
    if schema.get("type") == "string" and "enum" not in schema:
        schema.setdefault("minLength", 1)
    elif schema.get("type") == "array":
        schema.setdefault("minItems", 1)


# --- The document and the operations' query keys ----------------------------------------------


# drf-spectacular's generator is not thread-safe (its extensions load their target classes
# on first use), and the first requests of a threaded server ask for the document at once.
_GENERATING = threading.RLock()


@functools.cache
def document(language: str = "en") -> dict:
    """The OpenAPI document in `language`, as served and as committed (English)."""
    from drf_spectacular.generators import SchemaGenerator

    with _GENERATING, translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def _operations() -> list[tuple[re.Pattern, str, dict[str, str], dict | None]]:
    document("en")
    patterns = []
    for (path, method), names in _QUERY_NAMES.items():
        # The full path (/api/v1/…): drf-spectacular trims the prefix after get_operation().
        parts = [re.escape(part) for part in re.split(r"\{[^}]+\}", path)]
        pattern = re.compile("^" + "[^/]+".join(parts) + "$")
        patterns.append((pattern, method, names, _BODIES.get((path, method))))
    return patterns


def operation(path_info: str, method: str):
    """(query names, body schema) of the operation at `path_info`, or None."""
    method = "GET" if method == "HEAD" else method
    for pattern, operation_method, names, body in _operations():
        if operation_method == method and pattern.match(path_info):
            return names, body
    return None


def query_keys(path_info: str, method: str) -> dict[str, str] | None:
    """The query keys of the operation at `path_info`: public name → declared name; None
    when no operation of the document is there."""
    found = operation(path_info, method)
    return None if found is None else found[0]
