from django.urls import path

from . import scaleup_views, views

app_name = "procurement"

urlpatterns = [
    path("", views.route_list, name="routes"),
    path("guide/", views.guide_page, name="guide"),
    path("routes/<slug:code>/", views.route_detail, name="route"),
    path("pilots/<int:pk>/plan/", scaleup_views.plan, name="plan"),
]
