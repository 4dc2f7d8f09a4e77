"""API paths of this app, without a trailing slash (NLGov API Design Rules)."""

from django.urls import path

from . import api, desk_api, scaleup_api

urlpatterns: list = [
    path("procurement-routes", api.RouteListView.as_view(), name="procurement-route-list"),
    path(
        "procurement-routes/<slug:code>",
        api.RouteDetailView.as_view(),
        name="procurement-route-detail",
    ),
    path(
        "procurement-thresholds",
        api.ThresholdListView.as_view(),
        name="procurement-threshold-list",
    ),
    path("procurement-guide", api.GuideView.as_view(), name="procurement-guide"),
    path("questions", desk_api.QuestionListView.as_view(), name="question-list"),
    path("questions/<int:pk>", desk_api.QuestionDetailView.as_view(), name="question-detail"),
    path(
        "questions/<int:pk>/answer", desk_api.QuestionAnswerView.as_view(), name="question-answer"
    ),
    path("questions/<int:pk>/close", desk_api.QuestionCloseView.as_view(), name="question-close"),
    path(
        "adoptions/<int:pk>/scale-up-plan",
        scaleup_api.ScaleUpPlanView.as_view(),
        name="scale-up-plan",
    ),
    path("pilots-due", scaleup_api.DuePilotListView.as_view(), name="pilot-due-list"),
    path(
        "published-questions",
        desk_api.PublishedQuestionListView.as_view(),
        name="published-question-list",
    ),
]
