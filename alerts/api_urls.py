"""API paths of this app, without a trailing slash (NLGov API Design Rules)."""

from django.urls import path

from .api import follows, notifications, searches
from .insight import api as insight

urlpatterns: list = [
    path("saved-searches", searches.SavedSearchListView.as_view(), name="saved-search-list"),
    path(
        "saved-searches/<int:pk>",
        searches.SavedSearchDetailView.as_view(),
        name="saved-search-detail",
    ),
    path("follows", follows.FollowListView.as_view(), name="follow-list"),
    path("follows/<int:pk>", follows.FollowDetailView.as_view(), name="follow-detail"),
    path("notifications", notifications.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/read",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "notification-settings",
        notifications.AlertSettingsView.as_view(),
        name="notification-settings",
    ),
    path("supplier/insight", insight.InsightListView.as_view(), name="supplier-insight-list"),
    path(
        "supplier/innovations/<int:pk>/insight",
        insight.InsightDetailView.as_view(),
        name="supplier-insight-detail",
    ),
]
