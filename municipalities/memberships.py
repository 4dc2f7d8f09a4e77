"""Buyer memberships: a user asks to buy for one municipality; an administrator decides."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .enums import MembershipStatus
from .models import BuyerMembership, Municipality


class MembershipError(Exception):
    pass


@transaction.atomic
def membership_request(
    *,
    user: AbstractBaseUser,
    municipality: Municipality,
    job_title: str = "",
    motivation: str = "",
) -> BuyerMembership:
    """Ask to become a buyer of `municipality`. A user has one membership at most; a
    rejected request may be made again (it replaces the old one)."""
    existing = BuyerMembership.objects.select_for_update().filter(user=user).first()
    if existing and existing.status != MembershipStatus.REJECTED:
        raise MembershipError("already a member or requested")
    if existing:
        existing.delete()
    return BuyerMembership.objects.create(
        user=user, municipality=municipality, job_title=job_title, motivation=motivation
    )


@transaction.atomic
def membership_decide(
    *, membership: BuyerMembership, approve: bool, decided_by: AbstractBaseUser
) -> BuyerMembership:
    """Approve or reject a pending membership request."""
    membership = BuyerMembership.objects.select_for_update().get(pk=membership.pk)
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    membership.decided_by = decided_by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    return membership
