"""Buyer memberships: a user asks to buy for one municipality; an administrator decides."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audit.services import (
    audit_changes,
    audit_record,
    created_values,
    field_values,
    removed_values,
)

from .enums import MembershipStatus
from .models import BuyerMembership, Municipality


class MembershipError(Exception):
    pass


# What the audit log records of a membership.
MEMBERSHIP_FIELDS = ("user", "municipality", "job_title", "motivation", "status", "decided_by")


@transaction.atomic
def membership_request(
    *,
    user: AbstractBaseUser,
    municipality: Municipality,
    job_title: str = "",
    motivation: str = "",
    actor: AbstractBaseUser | None = None,
) -> BuyerMembership:
    """Ask to become a buyer of `municipality`. A user has one membership at most; a
    rejected request may be made again (it replaces the old one). `actor` is who does
    it, for the audit log (None: the system, e.g. a command)."""
    existing = BuyerMembership.objects.select_for_update().filter(user=user).first()
    if existing and existing.status != MembershipStatus.REJECTED:
        raise MembershipError("already a member or requested")
    if existing:
        membership_remove(membership=existing, actor=actor)
    membership = BuyerMembership.objects.create(
        user=user, municipality=municipality, job_title=job_title, motivation=motivation
    )
    audit_record(
        actor=actor,
        action="buyer_membership.request",
        obj=membership,
        changes=created_values(field_values(membership, MEMBERSHIP_FIELDS)),
    )
    return membership


@transaction.atomic
def membership_decide(
    *, membership: BuyerMembership, approve: bool, decided_by: AbstractBaseUser
) -> BuyerMembership:
    """Approve or reject a pending membership request."""
    membership = BuyerMembership.objects.select_for_update().get(pk=membership.pk)
    with audit_changes(
        actor=decided_by,
        action="buyer_membership.approve" if approve else "buyer_membership.reject",
        obj=membership,
        fields=MEMBERSHIP_FIELDS,
    ):
        membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
        membership.decided_by = decided_by
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_by", "decided_at"])
    return membership


@transaction.atomic
def membership_update(
    *, membership: BuyerMembership, actor: AbstractBaseUser | None, **fields
) -> BuyerMembership:
    """Change a membership's user, municipality, job title or motivation (administrators,
    in the admin). Moving an approved buyer to another municipality is a change of rights,
    so it is recorded like every other change."""
    unknown = set(fields) - {"user", "municipality", "job_title", "motivation"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    membership = BuyerMembership.objects.select_for_update().get(pk=membership.pk)
    with audit_changes(
        actor=actor,
        action="buyer_membership.update",
        obj=membership,
        fields=MEMBERSHIP_FIELDS,
        only_if_changed=True,
    ):
        for name, value in fields.items():
            setattr(membership, name, value)
        if fields:
            membership.save(update_fields=list(fields))
    return membership


@transaction.atomic
def membership_remove(*, membership: BuyerMembership, actor: AbstractBaseUser | None) -> None:
    """Delete a membership (a rejected request being replaced, or an administrator
    removing a buyer); the audit log keeps what it was."""
    membership = BuyerMembership.objects.select_for_update().get(pk=membership.pk)
    audit_record(
        actor=actor,
        action="buyer_membership.remove",
        obj=membership,
        changes=removed_values(field_values(membership, MEMBERSHIP_FIELDS)),
    )
    membership.delete()
