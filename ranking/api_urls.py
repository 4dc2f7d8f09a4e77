from django.urls import path

from . import api

urlpatterns = [
    path("ranking", api.RankingListView.as_view(), name="ranking-list"),
    path("ranking/runs", api.RankingRunListView.as_view(), name="ranking-runs"),
    # The municipality LIST is municipalities.api_urls; the detail needs the rank. Codes are
    # letters and digits: anything else (a NUL, which PostgreSQL refuses) is the API's 404.
    path(
        "municipalities/<slug:code>",
        api.MunicipalityDetailView.as_view(),
        name="municipality-detail",
    ),
]
