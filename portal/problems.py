"""Errors of the API as problem details (RFC 9457, `application/problem+json`), the one
format of every 4xx and 5xx answer under /api/ (NLGov API Design Rules, error handling).

    {"type": "tag:koploper.nl,2025:problem/invalid-input", "title": "Invalid input",
     "status": 400, "detail": "2 fields are invalid: title, domains.",
     "instance": "/api/v1/supplier/innovations",
     "invalidParams": [{"name": "title", "reason": "This field is required.",
                        "code": "required"}, …]}

`title` and `detail` are in the request's language; `type` names the kind of problem (a tag
URI, RFC 4151: an identifier, not an address); `invalidParams` (an extension member) lists
every field error of invalid input at once, nested fields as `scores.novelty`, query keys
by their lowerCamelCase name. REST framework's exceptions, the services' ValidationError,
PermissionDenied and Http404, and TransitionNotAllowed all arrive here (exception_handler);
answers made outside REST framework (the middleware's, the 404 of an unknown path, Django's
own error pages) are turned into problems by portal.api_middleware."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import TransitionNotAllowed

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "tag:koploper.nl,2025:problem/"

# The kinds of problem, by status (and for 401 by REST framework's code): the last part of
# `type` and the `title`. README, "Errors", lists them.
_KINDS = {
    400: ("invalid-input", gettext_lazy("Invalid input")),
    401: ("not-authenticated", gettext_lazy("Not authenticated")),
    403: ("forbidden", gettext_lazy("Forbidden")),
    404: ("not-found", gettext_lazy("Not found")),
    405: ("method-not-allowed", gettext_lazy("Method not allowed")),
    406: ("not-acceptable", gettext_lazy("Not acceptable")),
    409: ("conflict", gettext_lazy("Conflict")),
    422: ("unprocessable-input", gettext_lazy("Unprocessable input")),
    413: ("too-large", gettext_lazy("Request too large")),
    414: ("uri-too-long", gettext_lazy("Address too long")),
    415: ("unsupported-media-type", gettext_lazy("Unsupported media type")),
    429: ("throttled", gettext_lazy("Too many requests")),
    500: ("server-error", gettext_lazy("Server error")),
}
_AUTHENTICATION_FAILED = ("authentication-failed", gettext_lazy("Authentication failed"))


def _kind(status: int, code: str | None = None) -> tuple[str, str]:
    if status == 401 and code == "authentication_failed":
        return _AUTHENTICATION_FAILED
    if status in _KINDS:
        return _KINDS[status]
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return phrase.lower().replace(" ", "-"), phrase


def problem(
    request,
    status: int,
    detail: str | None = None,
    *,
    code: str | None = None,
    invalid_params: list[dict] | None = None,
) -> dict:
    """The body of a problem answer to `request` (Django's or REST framework's)."""
    kind, title = _kind(status, code)
    body = {
        "type": TYPE_PREFIX + kind,
        "title": str(title),
        "status": status,
        "detail": str(detail) if detail else str(title),
        "instance": escape_uri_path(request.path),
    }
    if invalid_params is not None:
        body["invalidParams"] = invalid_params
    return body


def problem_response(request, status: int, detail: str | None = None, **kwargs) -> JsonResponse:
    """A problem answer made outside REST framework (middleware, plain views)."""
    return JsonResponse(
        problem(request, status, detail, **kwargs),
        status=status,
        content_type=PROBLEM_JSON,
        json_dumps_params={"ensure_ascii": False},
    )


# --- Invalid input ---------------------------------------------------------------------------


def flatten_errors(errors, names: dict[str, str] | None = None, prefix: str = "") -> list[dict]:
    """REST framework's nested field errors as a flat list of invalidParams, in field order:
    `{"scores": {"fit": ["…"]}}` → `[{"name": "scores.fit", "reason": "…", "code": …}]`.
    `names` renames top-level fields (the query keys' public lowerCamelCase names)."""
    found = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            key = str(key)
            if not prefix and names:
                key = names.get(key, key)
            found.extend(flatten_errors(value, names, f"{prefix}.{key}" if prefix else key))
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict | list):
                found.extend(flatten_errors(item, names, prefix))
            else:
                found.append(_param(prefix, item))
    else:
        found.append(_param(prefix, errors))
    return found


def _param(name: str, message) -> dict:
    return {"name": name, "reason": str(message), "code": getattr(message, "code", "invalid")}


def _invalid_input(data, names) -> tuple[str, list[dict]]:
    """`detail` and invalidParams of a ValidationError's data. Messages about no single
    field (non_field_errors, or a bare list) make the detail."""
    general: list = []
    if isinstance(data, dict):
        data = dict(data)
        general = list(data.pop(api_settings.NON_FIELD_ERRORS_KEY, []))
    elif isinstance(data, list):
        general, data = data, {}
    params = flatten_errors(data, names)
    if general:
        detail = " ".join(str(message) for message in general)
    else:
        fields = list(dict.fromkeys(param["name"] for param in params))
        detail = ngettext(
            "%(count)d field is invalid: %(fields)s.",
            "%(count)d fields are invalid: %(fields)s.",
            len(fields),
        ) % {"count": len(fields), "fields": ", ".join(fields)}
    return detail, params


# Error codes of input that the OpenAPI document calls valid, refused for what no schema of
# it can say: a value that names an object that does not exist (`does_not_exist`), or a rule
# of the domain (`rule`), such as one adoption per municipality and innovation or one
# organisation per registration number (`duplicate`, and REST framework's `unique`). When
# every error has one of them the answer is 422, else 400: a 400 always means that the
# request breaks the document.
# A catalogue search of common words only (`nothing_to_search`) is such a rule too.
UNPROCESSABLE_CODES = frozenset(
    {"does_not_exist", "rule", "duplicate", "unique", "nothing_to_search"}
)


def _codes(errors) -> list[str]:
    if isinstance(errors, dict):
        return [code for value in errors.values() for code in _codes(value)]
    if isinstance(errors, list):
        return [code for item in errors for code in _codes(item)]
    return [getattr(errors, "code", None) or "invalid"]


def invalid_input_status(errors) -> int:
    codes = _codes(errors)
    return 422 if codes and set(codes) <= UNPROCESSABLE_CODES else 400


# --- REST framework's exception handler ------------------------------------------------------


class Conflict(exceptions.APIException):
    """A transition the current state does not allow (DESIGN.md: 409)."""

    status_code = 409
    default_detail = gettext_lazy("This action is not allowed in the current state.")
    default_code = "conflict"


def _field_errors(error: DjangoValidationError):
    """A service's ValidationError as REST framework's: per field, or one list."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): [
                exceptions.ErrorDetail(message, code=item.code or "invalid")
                for item in items
                for message in item.messages
            ]
            for field, items in error.error_dict.items()
        }
    return [
        exceptions.ErrorDetail(message, code=item.code or "invalid")
        for item in error.error_list
        for message in item.messages
    ]


def exception_handler(exc, context):
    """REST framework's handler with the domain's and Django's exceptions mapped (the services
    raise ValidationError 400 (422 when it is about nothing the document can state:
    UNPROCESSABLE_CODES) and TransitionNotAllowed 409, the access helpers
    PermissionDenied 403 and Http404 404), every answer a problem. Headers stay as REST
    framework sets them: WWW-Authenticate on 401, Retry-After on 429, Allow on 405."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, TransitionNotAllowed):
        exc = Conflict(exc.message)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500, made a problem by the API middleware
    request = context["request"]
    if isinstance(exc, exceptions.ValidationError | exceptions.ParseError) and (
        response.status_code == 400
    ):
        names = getattr(request._request, "api_query_names", None)
        status = 400
        if isinstance(exc, exceptions.ParseError):
            detail, params = str(exc.detail), []
        else:
            detail, params = _invalid_input(response.data, names)
            status = invalid_input_status(response.data)
        response.status_code = status
        body = problem(request, status, detail, invalid_params=params)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        body = problem(request, response.status_code, detail, code=_code(exc))
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def _code(exc) -> str | None:
    detail = getattr(exc, "detail", None)
    return getattr(detail, "code", None) or getattr(exc, "default_code", None)
