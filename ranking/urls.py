from django.urls import path

from . import methodology, views

app_name = "ranking"

urlpatterns = [
    path("", views.leaderboard, name="leaderboard"),
    path("map/", views.board_map, name="map"),
    path("methodology/", methodology.methodology, name="methodology"),
    # A municipality's scorecard: keep it last, after every fixed one-segment path.
    path("<slug:slug>/", views.scorecard, name="scorecard"),
]
