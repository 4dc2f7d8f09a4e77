"""Language-neutral URLs, outside the /nl/ and /en/ prefixes: the ranking's embeddable
badge, and the open data files (the board's, and the catalogue's and verified adoptions'
beside it; core.open_data)."""

from django.urls import path

from innovations import open_data as innovation_data
from municipalities import open_data as adoption_data

from . import views

urlpatterns = [
    path("ranking/badge/<slug:code>.svg", views.badge, name="ranking-badge"),
    path("ranking/open-data/leaderboard.csv", views.open_data_csv, name="ranking-open-data-csv"),
    path("ranking/open-data/leaderboard.json", views.open_data_json, name="ranking-open-data-json"),
    path("open-data/catalogue.csv", innovation_data.catalogue_csv, name="open-data-catalogue-csv"),
    path(
        "open-data/catalogue.json", innovation_data.catalogue_json, name="open-data-catalogue-json"
    ),
    path("open-data/adoptions.csv", adoption_data.adoptions_csv, name="open-data-adoptions-csv"),
    path("open-data/adoptions.json", adoption_data.adoptions_json, name="open-data-adoptions-json"),
]
