from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("", views.route_list, name="routes"),
    path("guide/", views.guide_page, name="guide"),
    path("routes/<slug:code>/", views.route_detail, name="route"),
]
