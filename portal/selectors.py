"""Reads about the signed-in user's account that the portal shows."""

from django.contrib.auth.base_user import AbstractBaseUser

from municipalities.enums import MembershipStatus
from municipalities.models import BuyerMembership


def buyer_membership_of(user: AbstractBaseUser) -> BuyerMembership | None:
    """The user's buyer membership or request in any state, with its municipality."""
    if not user.is_authenticated:
        return None
    return BuyerMembership.objects.select_related("municipality").filter(user=user).first()


def pending_membership_count() -> int:
    """How many buyer membership requests await an administrator's decision."""
    return BuyerMembership.objects.filter(status=MembershipStatus.REQUESTED).count()
