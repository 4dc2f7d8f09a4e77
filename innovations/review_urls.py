from django.urls import path

from . import organisation_views, vetting_views, views

app_name = "review"

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/claim/", views.review_claim, name="claim"),
    path("<int:pk>/decide/", views.review_decide, name="decide"),
    path("reconfirmations/", vetting_views.reconfirm_queue, name="reconfirm_queue"),
    path("<int:pk>/reconfirm/", vetting_views.reconfirm, name="reconfirm"),
    path("organisations/", organisation_views.organisation_changes, name="organisation_changes"),
    path(
        "organisations/<int:pk>/decide/",
        organisation_views.organisation_change_decide,
        name="organisation_change_decide",
    ),
]
