from django.urls import path

from . import adoption_views, challenge_views, shortlist_views, views

app_name = "municipalities"

# The fixed paths come before "<slug:slug>/" (a municipality's page).
urlpatterns = [
    path("", views.municipality_list, name="list"),
    path("mine/", views.my_municipality, name="mine"),
    path(
        "adoptions/record/<slug:innovation_slug>/",
        adoption_views.adoption_create,
        name="adoption_create",
    ),
    path("adoptions/<int:pk>/", adoption_views.adoption_detail, name="adoption_detail"),
    path("adoptions/<int:pk>/edit/", adoption_views.adoption_update, name="adoption_update"),
    path(
        "adoptions/<int:pk>/evaluation/", adoption_views.adoption_evaluate, name="adoption_evaluate"
    ),
    path("verification/", adoption_views.verify_queue, name="verify_queue"),
    path("verification/<int:pk>/", adoption_views.adoption_verify, name="adoption_verify"),
    path("challenges/", challenge_views.challenge_list, name="challenge_list"),
    path("challenges/new/", challenge_views.challenge_create, name="challenge_create"),
    path("challenges/<int:pk>/", challenge_views.challenge_detail, name="challenge_detail"),
    path(
        "challenges/<int:pk>/respond/", challenge_views.challenge_respond, name="challenge_respond"
    ),
    path("challenges/<int:pk>/close/", challenge_views.challenge_close, name="challenge_close"),
    path("challenge-responses/<int:pk>/mark/", challenge_views.response_mark, name="response_mark"),
    path("shortlist/", shortlist_views.shortlist_page, name="shortlist"),
    path("shortlist/add/", shortlist_views.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/", shortlist_views.shortlist_remove, name="shortlist_remove"),
    path("shortlist/compare/", shortlist_views.compare_page, name="compare"),
    path("<slug:slug>/", views.municipality_detail, name="detail"),
]
