from django.urls import path

from . import shortlist_views, views

app_name = "municipalities"

# The fixed paths come before "<slug:slug>/" (a municipality's page).
urlpatterns = [
    path("", views.municipality_list, name="list"),
    path("mine/", views.my_municipality, name="mine"),
    path(
        "adoptions/record/<slug:innovation_slug>/",
        views.adoption_create,
        name="adoption_create",
    ),
    path("adoptions/<int:pk>/", views.adoption_detail, name="adoption_detail"),
    path("adoptions/<int:pk>/edit/", views.adoption_update, name="adoption_update"),
    path("adoptions/<int:pk>/evaluation/", views.adoption_evaluate, name="adoption_evaluate"),
    path("verification/", views.verify_queue, name="verify_queue"),
    path("verification/<int:pk>/", views.adoption_verify, name="adoption_verify"),
    path("challenges/", views.challenge_list, name="challenge_list"),
    path("challenges/new/", views.challenge_create, name="challenge_create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge_detail"),
    path("challenges/<int:pk>/respond/", views.challenge_respond, name="challenge_respond"),
    path("challenges/<int:pk>/close/", views.challenge_close, name="challenge_close"),
    path("challenge-responses/<int:pk>/mark/", views.response_mark, name="response_mark"),
    path("shortlist/", shortlist_views.shortlist_page, name="shortlist"),
    path("shortlist/add/", shortlist_views.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/", shortlist_views.shortlist_remove, name="shortlist_remove"),
    path("shortlist/compare/", shortlist_views.compare_page, name="compare"),
    path("<slug:slug>/", views.municipality_detail, name="detail"),
]
