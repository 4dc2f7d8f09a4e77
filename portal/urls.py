from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe

from . import api_docs, health, views
from .api import not_found
from .token_api import TokenView

api_v1 = [
    path("openapi.json", api_docs.openapi_json, name="openapi-json"),
    path("openapi.yaml", api_docs.openapi_yaml, name="openapi-yaml"),
    path("auth/token", TokenView.as_view(), name="token"),
    path("", include("innovations.api_urls")),
    path("", include("municipalities.api_urls")),
    path("", include("ranking.api_urls")),
    path("", include("procurement.api_urls")),
    path("", include("alerts.api_urls")),
    # Last: any other path, a trailing slash included (NLGov ADR: API paths have none), is
    # the API's 404 as a problem.
    re_path(r"^[\s\S]*$", not_found),
]

urlpatterns = [
    # Answered by portal.health.HealthMiddleware before anything else; here for other
    # methods (405) and so that the URL configuration lists them.
    path("healthz", require_safe(health.liveness_view), name="healthz"),
    path("readyz", require_safe(health.readiness_view), name="readyz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/docs/", api_docs.DocsView.as_view(), name="api-docs"),
    # Anything else under /api (e.g. /api/v1 itself) is the API's 404 too; /api/docs without
    # its slash is an HTML page's address and is redirected.
    re_path(r"^api(?!/docs$)(?:/[\s\S]*)?$", not_found),
    path("admin/", admin.site.urls),
    path("", include("ranking.public_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("portal.account_urls")),
    path("innovations/", include("innovations.urls")),
    path("review/", include("innovations.review_urls")),
    path("municipalities/", include("municipalities.urls")),
    path("ranking/", include("ranking.urls")),
    path("procurement/", include("procurement.urls")),
    path("desk/", include("procurement.desk_urls")),
    path("alerts/", include("alerts.urls")),
    prefix_default_language=True,
)
