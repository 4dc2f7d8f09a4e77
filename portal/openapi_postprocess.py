"""The postprocessing hook of the API's OpenAPI document (SPECTACULAR_SETTINGS'
POSTPROCESSING_HOOKS): the shared headers, enum names that do not change with the request's
language, and request bodies that say what the server refuses (an empty body, an unknown
member, a bad character)."""

from django.conf import settings
from drf_spectacular.hooks import postprocess_schema_enums
from drf_spectacular.plumbing import list_hash, load_enum_name_overrides

from core.validators import WEB_ADDRESS

from .openapi import NO_BAD_CHARACTERS

HEADERS = {
    "API-Version": {
        "description": "The full version of the API (semantic versioning).",
        "schema": {"type": "string", "example": settings.SPECTACULAR_SETTINGS["VERSION"]},
        "required": True,
    },
    "Link": {
        "description": "RFC 8288 links to the first, prev, next and last pages.",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "`Token`: how to authenticate.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    },
}


def _enum_ids_by_value(node, overrides) -> None:
    """Enum components named by their values only, whatever the language of the labels (the
    names must not change with the request's language); the choice sets named in
    ENUM_NAME_OVERRIDES keep the id that finds their name."""
    if isinstance(node, dict):
        enum_id = node.get("x-spec-enum-id")
        if enum_id is not None and enum_id not in overrides:
            node["x-spec-enum-id"] = list_hash(
                [(value, value) for value in node["enum"] if value not in ("", None)]
            )
        for value in node.values():
            _enum_ids_by_value(value, overrides)
    elif isinstance(node, list):
        for value in node:
            _enum_ids_by_value(value, overrides)


def _no_enum_titles(node) -> None:
    """No title on a property with choices. drf-spectacular gives a property a title where
    its label differs from its name ("Fase" for `stage`, in Dutch only), and wraps the enum's
    `$ref` in an `allOf` where the property has one: the document's structure would change
    with the request's language. (The choice set's component carries the labels.)"""
    if isinstance(node, dict):
        if "enum" in node or (node.get("type") == "array" and "enum" in node.get("items", {})):
            node.pop("title", None)
        for value in node.values():
            _no_enum_titles(value)
    elif isinstance(node, list):
        for value in node:
            _no_enum_titles(value)


def _hoist_defaults(node) -> None:
    """A default inside one branch of a oneOf (drf-spectacular's blank-or-e-mail field) is
    the whole field's: `''` is no e-mail address, and would make an invalid example."""
    if isinstance(node, dict):
        for branch in node.get("oneOf", []):
            if isinstance(branch, dict) and "default" in branch:
                node["default"] = branch.pop("default")
        for value in node.values():
            _hoist_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _hoist_defaults(value)


def _text_in_bodies(node) -> None:
    """Request bodies: no text (keys included) with a character the API's JSON parser
    refuses (portal.parsers), as for addresses and queries; web addresses as the server
    checks them (core.validators.WEB_ADDRESS)."""
    if isinstance(node, dict):
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if node.get("format") == "uri":
            node.setdefault("pattern", WEB_ADDRESS)
        if "string" in kinds and not {"enum", "pattern", "format"} & set(node):
            node["pattern"] = NO_BAD_CHARACTERS
        if kinds == ["object"] or "properties" in node:
            node.setdefault("propertyNames", {"pattern": NO_BAD_CHARACTERS})
        for value in node.values():
            _text_in_bodies(value)
    elif isinstance(node, list):
        for value in node:
            _text_in_bodies(value)


def _bodies_not_empty(result) -> None:
    """Every write that takes a body refuses an empty one (`{}`: 400), also where no field
    is required, and so also no body at all (the server reads it as `{}`); and a member it
    does not name."""
    schemas = result.get("components", {}).get("schemas", {})
    for item in result.get("paths", {}).values():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (body or {}).get("schema", {}).get("$ref")
            if ref:
                schemas[ref.rsplit("/", 1)[1]]["minProperties"] = 1
                operation["requestBody"]["required"] = True
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _text_in_bodies(schema)
            # A member the document does not name is refused (portal.input_types), as an
            # unknown query key is.
            if "properties" in schema:
                schema["additionalProperties"] = False


def postprocess(result, generator, request, public):
    """The enums (drf-spectacular's hook, language-independent), the shared headers, and
    request bodies that say they are not empty."""
    _bodies_not_empty(result)
    _hoist_defaults(result.get("components", {}))
    _no_enum_titles(result.get("components", {}))
    _enum_ids_by_value(result.get("components", {}), load_enum_name_overrides())
    result = postprocess_schema_enums(result, generator, request=request, public=public)
    result.setdefault("components", {})["headers"] = HEADERS
    return result
