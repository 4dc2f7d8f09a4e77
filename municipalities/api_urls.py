from django.urls import path

from .municipality_api import MunicipalityListView

urlpatterns: list = [
    path("municipalities/", MunicipalityListView.as_view(), name="municipality-list"),
]
