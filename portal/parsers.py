"""The API's JSON parser: REST framework's, guarded against input that would otherwise
fail deep inside the portal (a 500) instead of at the door (a 400).

- JSON nested so deeply that the decoder runs out of stack (RecursionError), or nested
  deeper than any request of the API needs;
- text with a character that no field takes (core.validators.bad_character):
  NUL, other control characters, lone surrogates (valid JSON escapes, e.g. "\\ud800"),
  bidirectional overrides. Refused here once for every field of every write, with the
  field named, as `{"field": ["message"]}`."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from core.validators import describe_character, first_bad_character

# The deepest request of the API is an object in an object (a decision's scores).
MAX_DEPTH = 8


def _check(data) -> None:
    """Walk the parsed JSON without recursion (it may be deep) and refuse what no field takes."""
    stack = [(data, 1, None)]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(
                _("The JSON is nested too deeply (more than %(depth)s levels).")
                % {"depth": MAX_DEPTH}
            )
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, field or key)
                stack.append((item, depth + 1, field or key))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str):
            _check_text(value, field)


def _check_text(text: str, field: str | None) -> None:
    char = first_bad_character(text)
    if char is None:
        return
    message = _(
        "This text contains a character that is not allowed (%(character)s). "
        "Remove it and try again."
    ) % {"character": describe_character(char)}
    if field is None:
        raise exceptions.ParseError(message)
    raise exceptions.ValidationError({field: [message]})


def _check_types(data, parser_context) -> None:
    """Input types as the OpenAPI document says (portal.input_types): an array is an array, a
    number is no text. After authentication and permissions (REST framework parses the
    body when the view first reads it)."""
    from . import input_types  # REST framework imports this module while loading settings

    request = (parser_context or {}).get("request")
    if request is None:
        return
    errors = input_types.body_type_errors(request._request.path_info, request.method, data)
    if errors:
        raise exceptions.ValidationError(
            {
                name: [
                    exceptions.ErrorDetail(
                        message, code=getattr(message, "code", None) or "invalid_type"
                    )
                ]
                for name, message in errors.items()
            }
        )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        _check(data)
        _check_types(data, parser_context)
        return data
