from django.urls import path

from . import api
from .catalogue_api import InnovationListView

urlpatterns: list = [
    path("innovations/", InnovationListView.as_view(), name="innovation-list"),
    # One innovation with its adopters: municipalities/api_urls.py (it owns adoptions).
    # Supplier side and review queue (issue 3).
    path(
        "supplier/organisation/",
        api.SupplierOrganisationView.as_view(),
        name="supplier-organisation",
    ),
    path(
        "supplier/innovations/",
        api.SupplierInnovationList.as_view(),
        name="supplier-innovation-list",
    ),
    path(
        "supplier/innovations/<int:pk>/",
        api.SupplierInnovationDetail.as_view(),
        name="supplier-innovation-detail",
    ),
    path(
        "supplier/innovations/<int:pk>/submit/",
        api.SupplierInnovationSubmit.as_view(),
        name="supplier-innovation-submit",
    ),
    path(
        "supplier/innovations/<int:pk>/withdraw/",
        api.SupplierInnovationWithdraw.as_view(),
        name="supplier-innovation-withdraw",
    ),
    path("review/innovations/", api.ReviewInnovationList.as_view(), name="review-innovation-list"),
    path(
        "review/innovations/<int:pk>/",
        api.ReviewInnovationDetail.as_view(),
        name="review-innovation-detail",
    ),
    path(
        "review/innovations/<int:pk>/claim/",
        api.ReviewInnovationClaim.as_view(),
        name="review-innovation-claim",
    ),
    path(
        "review/innovations/<int:pk>/decision/",
        api.ReviewInnovationDecision.as_view(),
        name="review-innovation-decision",
    ),
]
