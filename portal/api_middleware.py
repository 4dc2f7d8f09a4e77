"""What every answer under /api/ gets, whichever view made it (NLGov API Design Rules):

- an `API-Version` header with the full version of the API (info.version);
- query keys as documented: the lowerCamelCase keys the OpenAPI document lists for the
  operation, and no others (an unknown key is a 400 problem), each with a value (`?route=`
  is a 400 problem too: the document allows no parameter an empty value). The views see
  the names they declared (`maturityMin` arrives as `maturity_min` when the FilterSet
  calls it that);
- every 4xx and 5xx as a problem (portal.problems), also those made outside REST framework:
  Django's error pages, the CSRF failure, a server error;
- CORS: open for the OpenAPI document, and for the public read API (GET, HEAD) from the
  origins of API_CORS_ALLOWED_ORIGINS (none by default).

After LocaleMiddleware (problems in the request's language), before the others, so that
their answers pass through here."""

import json

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.utils.translation import gettext as _

from . import openapi
from .problems import PROBLEM_JSON, problem, problem_response

API_PREFIX = "/api/"
DOCUMENT_PATHS = ("/api/v1/openapi.json", "/api/v1/openapi.yaml")
EXPOSED_HEADERS = "API-Version, Link, Retry-After, WWW-Authenticate"


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        length = len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", ""))
        if length > settings.API_MAX_URL_LENGTH:
            response = problem_response(
                request,
                414,
                _("The address is too long: %(length)s characters, at most %(max)s.")
                % {"length": length, "max": settings.API_MAX_URL_LENGTH},
            )
        elif request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = _preflight(request)
        else:
            response = self.get_response(request)
        if response.status_code >= 400 and not _is_problem(response):
            response = _as_problem(request, response)
        response["API-Version"] = settings.SPECTACULAR_SETTINGS["VERSION"]
        _cors(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Check the query keys against the operation's documented ones and hand the view
        its declared names."""
        if not request.path_info.startswith(API_PREFIX):
            return None
        names = openapi.query_keys(request.path_info, request.method)
        if names is None:  # not an operation of the document (the document itself, a 404)
            return None
        unknown = [key for key in request.GET if key not in names]
        if unknown:
            params = [
                {"name": key, "reason": _("This query key is not known here."), "code": "unknown"}
                for key in unknown
            ]
            detail = _("Unknown query keys: %(keys)s. Known here: %(known)s.") % {
                "keys": ", ".join(unknown),
                "known": ", ".join(sorted(names)) or "-",
            }
            return problem_response(request, 400, detail, invalid_params=params)
        blank = sorted({key for key, values in request.GET.lists() if "" in values})
        if blank:
            params = [
                {"name": key, "reason": _("Give a value, or leave the key out."), "code": "blank"}
                for key in blank
            ]
            detail = _("Query keys without a value: %(keys)s.") % {"keys": ", ".join(blank)}
            return problem_response(request, 400, detail, invalid_params=params)
        translated = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            translated.setlist(names[key], values)
        translated._mutable = False
        request.GET = translated
        request.api_query_names = {declared: public for public, declared in names.items()}
        return None


def _is_problem(response) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_JSON)


def _as_problem(request, response) -> HttpResponse:
    """An error answer that was not made by the API's handler (Django's 404/500 pages, the
    CSRF failure, a plain JsonResponse): the same status as a problem; a JSON `detail`
    is kept, other bodies (HTML) are not."""
    detail = None
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            detail = json.loads(response.content).get("detail")
        except (ValueError, AttributeError):
            detail = None
    converted = problem_response(request, response.status_code, detail)
    for header in ("Retry-After", "WWW-Authenticate", "Allow", "Content-Language", "Vary"):
        if header in response:
            converted[header] = response[header]
    return converted


def _cors_origin(request) -> str | None:
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return None
    if request.path_info in DOCUMENT_PATHS:
        return "*"
    if request.method in ("GET", "HEAD", "OPTIONS") and origin in settings.API_CORS_ALLOWED_ORIGINS:
        return origin
    return None


def _cors(request, response) -> None:
    if request.path_info not in DOCUMENT_PATHS:
        # The answer differs by Origin (allowed or not): caches must keep them apart.
        response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "Origin"]))
    origin = _cors_origin(request)
    if origin is None:
        return
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS


def _preflight(request) -> HttpResponse:
    """A browser asks before a cross-origin request: only reads, with no credentials."""
    method = request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    if _cors_origin(request) is None or method not in ("GET", "HEAD"):
        return problem_response(
            request, 403, _("Cross-origin requests are not allowed from this origin.")
        )
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD"
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response["Access-Control-Max-Age"] = "3600"
    return response


__all__ = ["ApiMiddleware", "problem"]
