from django.urls import path

from . import api
from .innovation_api import InnovationDetailView
from .municipality_api import MunicipalityListView

urlpatterns: list = [
    path("innovations/<slug:slug>/", InnovationDetailView.as_view(), name="innovation-detail"),
    path("municipalities/", MunicipalityListView.as_view(), name="municipality-list"),
    # Adoptions, their verification, challenges (engineer B2, municipalities/api.py)
    path("adoptions/", api.AdoptionListView.as_view(), name="adoption-list"),
    path("adoptions/<int:pk>/", api.AdoptionDetailView.as_view(), name="adoption-detail"),
    path(
        "adoptions/<int:pk>/evaluation/",
        api.EvaluationView.as_view(),
        name="adoption-evaluation",
    ),
    path("review/adoptions/", api.VerificationQueueView.as_view(), name="adoption-queue"),
    path("review/adoptions/<int:pk>/verify/", api.VerifyView.as_view(), name="adoption-verify"),
    path("challenges/", api.ChallengeListView.as_view(), name="challenge-list"),
    path("challenges/<int:pk>/", api.ChallengeDetailView.as_view(), name="challenge-detail"),
    path("challenges/<int:pk>/close/", api.ChallengeCloseView.as_view(), name="challenge-close"),
    path(
        "challenges/<int:pk>/responses/",
        api.ChallengeResponseListView.as_view(),
        name="challenge-responses",
    ),
    path(
        "challenges/<int:pk>/responses/<int:response_pk>/",
        api.ChallengeResponseMarkView.as_view(),
        name="challenge-response",
    ),
    path(
        "challenges/<int:pk>/suggestions/",
        api.SuggestionListView.as_view(),
        name="challenge-suggestions",
    ),
]
