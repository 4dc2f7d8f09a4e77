from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, views
from .api import not_found
from .token_api import TokenView

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("", include("innovations.api_urls")),
    path("", include("municipalities.api_urls")),
    path("", include("ranking.api_urls")),
    # Last: an unknown path or a malformed slug still gets a JSON 404 (with a slash, so
    # that APPEND_SLASH still redirects /api/v1/innovations to the list).
    re_path(r"^[\s\S]*/$", not_found),
]

urlpatterns = [
    # Answered by portal.health.HealthMiddleware before anything else; here for other
    # methods (405) and so that the URL configuration lists them.
    path("healthz", require_safe(health.liveness_view), name="healthz"),
    path("readyz", require_safe(health.readiness_view), name="readyz"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
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
    prefix_default_language=True,
)
