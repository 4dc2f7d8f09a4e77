"""API paths of this app, without a trailing slash (NLGov API Design Rules)."""

from django.urls import path

from . import api
from .insight import api as insight_api

urlpatterns: list = [
    path("saved-searches", api.SavedSearchListView.as_view(), name="saved-search-list"),
    path(
        "saved-searches/<int:pk>", api.SavedSearchDetailView.as_view(), name="saved-search-detail"
    ),
    path("follows", api.FollowListView.as_view(), name="follow-list"),
    path("follows/<int:pk>", api.FollowDetailView.as_view(), name="follow-detail"),
    path("notifications", api.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read", api.NotificationReadView.as_view(), name="notification-read"),
    path("notification-settings", api.AlertSettingsView.as_view(), name="notification-settings"),
    path("supplier/insight", insight_api.InsightListView.as_view(), name="supplier-insight-list"),
    path(
        "supplier/innovations/<int:pk>/insight",
        insight_api.InsightDetailView.as_view(),
        name="supplier-insight-detail",
    ),
]
