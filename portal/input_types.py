"""Strict input types: a JSON body is checked against its operation's schema in the
OpenAPI document (portal.openapi) for types only: an array is an array, a number is no
text. The API's JSON parser (portal.parsers) asks here after authentication; the fields
check the rest."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail

from .openapi import document, operation

_JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _kinds() -> dict[str, str]:
    return {
        "integer": _("a whole number"),
        "number": _("a number"),
        "string": _("text"),
        "boolean": _("true or false"),
        "array": _("a list (a JSON array)"),
        "object": _("an object"),
        "null": _("null"),
    }


def _is(value, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES.get(kind, object))


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document("en")["components"]["schemas"][name]
    return schema


def _types(schema: dict) -> list[str] | None:
    """The JSON types a schema allows (None: any), branches of oneOf/anyOf together."""
    schema = _resolve(schema)
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:
        found = [_types(branch) for branch in branches]
        if any(kinds is None for kinds in found):
            return None
        return [kind for kinds in found for kind in kinds]
    if "type" in schema:
        return schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "enum" in schema:
        return None
    return None


def _branch(schema: dict, value) -> dict:
    """The oneOf/anyOf branch that a value of its type goes down (a nullable object)."""
    schema = _resolve(schema)
    for branch in schema.get("oneOf") or schema.get("anyOf") or []:
        kinds = _types(branch)
        if kinds is None or any(_is(value, kind) for kind in kinds):
            return _branch(branch, value)
    return schema


def type_errors(value, schema: dict, path: str = "") -> dict[str, str]:
    """Where `value` has another JSON type than `schema` allows, or a member that an object
    of the document does not name: {dotted name: message}. Only types (an array is an
    array, a number is no text) and members; the fields check the rest."""
    kinds = _types(schema)
    if kinds is not None and not any(_is(value, kind) for kind in kinds):
        names = _kinds()
        return {
            path: _("Must be %(kinds)s.")
            % {"kinds": _(" or ").join(str(names.get(kind, kind)) for kind in kinds)}
        }
    schema = _branch(schema, value)
    errors: dict[str, str] = {}
    if isinstance(value, dict):
        if schema.get("additionalProperties") is False:
            known = schema.get("properties", {})
            for key in value:
                if key not in known:
                    errors[f"{path}.{key}" if path else key] = ErrorDetail(
                        _("Not a member of this body (%(known)s).") % {"known": ", ".join(known)},
                        code="unknown_member",
                    )
        for key, item_schema in schema.get("properties", {}).items():
            if key in value:
                errors.update(
                    type_errors(value[key], item_schema, f"{path}.{key}" if path else key)
                )
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors.update(type_errors(item, schema["items"], f"{path}.{index}"))
    return errors


def body_type_errors(path_info: str, method: str, data) -> dict[str, str]:
    """The type errors of a request body against its operation's documented schema."""
    found = operation(path_info, method)
    if found is None or found[1] is None or not isinstance(data, dict):
        return {}
    return type_errors(data, found[1])
