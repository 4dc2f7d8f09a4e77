from django.urls import path

from . import public_views, views
from .insight import views as insight_views

app_name = "alerts"

urlpatterns = [
    path("searches/", views.search_list, name="searches"),
    path("searches/new/", views.search_create, name="search_create"),
    path("searches/<int:pk>/", views.search_edit, name="search_edit"),
    path("searches/<int:pk>/delete/", views.search_delete, name="search_delete"),
    path("searches/feed/<str:feed_id>.atom", public_views.SavedSearchFeed(), name="feed"),
    path("following/", views.follow_list, name="follows"),
    path("following/follow/", views.follow, name="follow"),
    path("following/unfollow/", views.unfollow, name="unfollow"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.alert_settings, name="settings"),
    path("unsubscribe/<str:token>/", public_views.unsubscribe_view, name="unsubscribe"),
    path("insight/", insight_views.insight_overview, name="insight"),
    path("insight/insight.csv", insight_views.insight_csv_all, name="insight_csv_all"),
    path("insight/<int:pk>/", insight_views.insight_detail, name="insight_detail"),
    path("insight/<int:pk>/insight.csv", insight_views.insight_csv, name="insight_csv"),
]
