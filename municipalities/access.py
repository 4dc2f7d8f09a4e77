"""Who may act for which municipality. The one place these checks live."""

from django.contrib.auth.base_user import AbstractBaseUser

from .enums import MembershipStatus
from .models import BuyerMembership, Municipality

VERIFY_PERMISSION = "municipalities.verify_adoption"


def buyer_municipality(user: AbstractBaseUser) -> Municipality | None:
    """The municipality the user is an approved buyer for, or None. Cached on the user."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_koploper_municipality"):
        membership = (
            BuyerMembership.objects.select_related("municipality")
            .filter(user=user, status=MembershipStatus.APPROVED)
            .first()
        )
        user._koploper_municipality = membership.municipality if membership else None
    return user._koploper_municipality


def is_buyer_for(user: AbstractBaseUser, municipality: Municipality) -> bool:
    own = buyer_municipality(user)
    return own is not None and own.pk == municipality.pk


def can_verify_adoptions(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.has_perm(VERIFY_PERMISSION)
