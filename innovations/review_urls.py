from django.urls import path

from . import review_views

app_name = "review"

urlpatterns = [
    path("", review_views.review_queue, name="queue"),
    path("<int:pk>/", review_views.review_detail, name="detail"),
    path("<int:pk>/claim/", review_views.review_claim, name="claim"),
    path("<int:pk>/decide/", review_views.review_decide, name="decide"),
]
