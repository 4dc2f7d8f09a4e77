"""What the whole API shares: pagination and the error format (REST framework imports this
module while it loads its settings, so it imports no views: the token view is
portal.token_api, the schema generator portal.openapi).

Errors (DESIGN.md, API contract v1): `{"detail": "…"}`, or for invalid input
`{"field": ["message", …]}` with status 400 (messages that concern no single field go
into `detail`); a transition the current state does not allow is 409."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from innovations.exceptions import TransitionNotAllowed

# --- Pagination ------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


# --- Errors ----------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    """A transition the current state does not allow (DESIGN.md: 409)."""

    status_code = 409
    default_detail = "This action is not allowed in the current state."
    default_code = "conflict"


def _field_errors(error: DjangoValidationError):
    """A service's ValidationError as DRF's: per field, or one list when it names none."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return error.messages


def exception_handler(exc, context):
    """DRF's handler, with the domain's and Django's own exceptions mapped: the services
    raise ValidationError (400) and TransitionNotAllowed (409), the access helpers
    PermissionDenied (403) and Http404 (404). One place for the whole API, so that the
    views call services directly."""
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
        return None
    if isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    elif isinstance(response.data, dict):
        # Messages about no single field read as one sentence in `detail`.
        general = response.data.pop(api_settings.NON_FIELD_ERRORS_KEY, None)
        if general is not None:
            response.data = {"detail": " ".join(str(item) for item in general), **response.data}
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/: the API's 404 in JSON, not the site's HTML page. Exempt
    from the CSRF check, like the API's views: a POST to a wrong path is a 404 too, not the
    site's HTML 403 (there is nothing here to protect)."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
