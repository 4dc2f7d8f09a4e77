from django.urls import path

from .api import reviews, suppliers, vetting
from .api.catalogue import InnovationListView

urlpatterns: list = [
    path("innovations", InnovationListView.as_view(), name="innovation-list"),
    # One innovation with its adopters: municipalities/api_urls.py (it owns adoptions).
    # Supplier side and review queue.
    path(
        "supplier/organisation",
        suppliers.SupplierOrganisationView.as_view(),
        name="supplier-organisation",
    ),
    path(
        "supplier/innovations",
        suppliers.SupplierInnovationList.as_view(),
        name="supplier-innovation-list",
    ),
    path(
        "supplier/innovations/<int:pk>",
        suppliers.SupplierInnovationDetail.as_view(),
        name="supplier-innovation-detail",
    ),
    path(
        "supplier/innovations/<int:pk>/submit",
        suppliers.SupplierInnovationSubmit.as_view(),
        name="supplier-innovation-submit",
    ),
    path(
        "supplier/innovations/<int:pk>/withdraw",
        suppliers.SupplierInnovationWithdraw.as_view(),
        name="supplier-innovation-withdraw",
    ),
    path(
        "supplier/innovations/<int:pk>/confirm-current",
        vetting.SupplierInnovationConfirmCurrent.as_view(),
        name="supplier-innovation-confirm-current",
    ),
    path(
        "review/innovations", reviews.ReviewInnovationList.as_view(), name="review-innovation-list"
    ),
    path(
        "review/reconfirmations",
        vetting.ReconfirmationList.as_view(),
        name="review-reconfirmation-list",
    ),
    path(
        "review/innovations/<int:pk>/reconfirmation",
        vetting.ReviewInnovationReconfirmation.as_view(),
        name="review-innovation-reconfirmation",
    ),
    path(
        "review/innovations/<int:pk>",
        reviews.ReviewInnovationDetail.as_view(),
        name="review-innovation-detail",
    ),
    path(
        "review/innovations/<int:pk>/claim",
        reviews.ReviewInnovationClaim.as_view(),
        name="review-innovation-claim",
    ),
    path(
        "review/innovations/<int:pk>/decision",
        reviews.ReviewInnovationDecision.as_view(),
        name="review-innovation-decision",
    ),
]
