"""Language-neutral ranking URLs, outside the /nl/ and /en/ prefixes: the embeddable
badge and the open data files."""

from django.urls import path

from . import views

urlpatterns = [
    path("ranking/badge/<slug:code>.svg", views.badge, name="ranking-badge"),
    path("ranking/open-data/leaderboard.csv", views.open_data_csv, name="ranking-open-data-csv"),
    path("ranking/open-data/leaderboard.json", views.open_data_json, name="ranking-open-data-json"),
]
