"""The OpenAPI document at /api/v1/openapi.json and .yaml (public, CORS open: see
portal.api_middleware) and the browsable documentation at /api/docs/, which reads it.

The document is the one `make schema` commits (docs/openapi.yaml), in the request's language
(`?lang=en` or `nl`, else Accept-Language): descriptions are translated, the structure is
the same in every language."""

from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import openapi


def _language(request) -> str:
    requested = request.GET.get("lang")
    if requested in ("en", "nl"):
        return requested
    return translation.get_language() or "nl"


@require_safe
def openapi_json(request):
    return JsonResponse(
        openapi.document(_language(request)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/vnd.oai.openapi+json",
    )


@require_safe
def openapi_yaml(request):
    body = OpenApiYamlRenderer().render(openapi.document(_language(request)))
    return HttpResponse(body, content_type="application/vnd.oai.openapi; charset=utf-8")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from local assets, on the same document."""

    url = "/api/v1/openapi.json"
