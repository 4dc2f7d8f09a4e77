from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/claim/", views.review_claim, name="claim"),
    path("<int:pk>/decide/", views.review_decide, name="decide"),
]
