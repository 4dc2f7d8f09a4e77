from django.urls import path

from . import catalogue_views, vetting_views, views

app_name = "innovations"

urlpatterns: list = [
    path("", catalogue_views.catalogue_page, name="catalogue"),
    # Supplier pages: two or more segments, so they never collide with "<slug>/".
    path("supplier/organisation/", views.organisation, name="organisation"),
    path("supplier/innovations/", views.my_innovations, name="mine"),
    path("supplier/innovations/new/", views.innovation_new, name="create"),
    path("supplier/innovations/<int:pk>/", views.innovation_manage, name="manage"),
    path("supplier/innovations/<int:pk>/edit/", views.innovation_edit, name="edit"),
    path("supplier/innovations/<int:pk>/submit/", views.innovation_submit, name="submit"),
    path("supplier/innovations/<int:pk>/withdraw/", views.innovation_withdraw, name="withdraw"),
    path(
        "supplier/innovations/<int:pk>/confirm/",
        vetting_views.confirm_current,
        name="confirm_current",
    ),
    # An innovation's public page: keep it last, after every fixed one-segment path.
    path("<slug:slug>/", catalogue_views.innovation_page, name="detail"),
]
