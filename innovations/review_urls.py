from django.urls import path

from . import organisation_views, review_views, vetting_views

app_name = "review"

urlpatterns = [
    path("", review_views.review_queue, name="queue"),
    path("<int:pk>/", review_views.review_detail, name="detail"),
    path("<int:pk>/claim/", review_views.review_claim, name="claim"),
    path("<int:pk>/decide/", review_views.review_decide, name="decide"),
    path("reconfirmations/", vetting_views.reconfirm_queue, name="reconfirm_queue"),
    path("<int:pk>/reconfirm/", vetting_views.reconfirm, name="reconfirm"),
    path("organisations/", organisation_views.organisation_changes, name="organisation_changes"),
    path(
        "organisations/<int:pk>/decide/",
        organisation_views.organisation_change_decide,
        name="organisation_change_decide",
    ),
]
