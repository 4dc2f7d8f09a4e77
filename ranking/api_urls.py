from django.urls import path

from . import api

urlpatterns = [
    path("ranking/", api.RankingListView.as_view(), name="ranking-list"),
    path("ranking/runs/", api.RankingRunListView.as_view(), name="ranking-runs"),
    # The municipality LIST is municipalities.api_urls; the detail needs the rank.
    path(
        "municipalities/<str:code>/",
        api.MunicipalityDetailView.as_view(),
        name="municipality-detail",
    ),
]
