from django.urls import path

from .api import adoptions, challenges
from .api.innovations import InnovationDetailView
from .api.municipalities import MunicipalityListView

urlpatterns: list = [
    path("innovations/<slug:slug>", InnovationDetailView.as_view(), name="innovation-detail"),
    path("municipalities", MunicipalityListView.as_view(), name="municipality-list"),
    # Adoptions, their verification, challenges
    path("adoptions", adoptions.AdoptionListView.as_view(), name="adoption-list"),
    path("adoptions/<int:pk>", adoptions.AdoptionDetailView.as_view(), name="adoption-detail"),
    path(
        "adoptions/<int:pk>/evaluation",
        adoptions.EvaluationView.as_view(),
        name="adoption-evaluation",
    ),
    path("review/adoptions", adoptions.VerificationQueueView.as_view(), name="adoption-queue"),
    path(
        "review/adoptions/<int:pk>/verify", adoptions.VerifyView.as_view(), name="adoption-verify"
    ),
    path("challenges", challenges.ChallengeListView.as_view(), name="challenge-list"),
    path("challenges/<int:pk>", challenges.ChallengeDetailView.as_view(), name="challenge-detail"),
    path(
        "challenges/<int:pk>/close",
        challenges.ChallengeCloseView.as_view(),
        name="challenge-close",
    ),
    path(
        "challenges/<int:pk>/responses",
        challenges.ChallengeResponseListView.as_view(),
        name="challenge-responses",
    ),
    path(
        "challenges/<int:pk>/responses/<int:response_pk>",
        challenges.ChallengeResponseMarkView.as_view(),
        name="challenge-response",
    ),
    path(
        "challenges/<int:pk>/suggestions",
        challenges.SuggestionListView.as_view(),
        name="challenge-suggestions",
    ),
]
