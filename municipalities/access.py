"""Who may act for which municipality. The one place these checks live."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from innovations.access import supplier_for

from .enums import MembershipStatus, Verification
from .models import Adoption, BuyerMembership, Municipality

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


def can_act_for(user: AbstractBaseUser, municipality: Municipality) -> bool:
    """May `user` record adoptions and post challenges for `municipality`? Its approved
    buyers may, and administrators (DESIGN.md, roles)."""
    return user.is_authenticated and (user.is_superuser or is_buyer_for(user, municipality))


def require_act_for(user: AbstractBaseUser, municipality: Municipality) -> None:
    if not can_act_for(user, municipality):
        raise PermissionDenied(_("Only buyers of %(name)s may do this.") % {"name": municipality})


def adoption_verify_conflict(*, user: AbstractBaseUser, adoption: Adoption) -> str:
    """Why `user` may not verify `adoption` although a reviewer ("" when they may): nobody
    verifies a claim of their own (a new adoption, or the change waiting on a verified
    one), nor an adoption of their own supplier's innovation."""
    supplier = supplier_for(user)
    if supplier is not None and supplier.pk == adoption.innovation.supplier_id:
        return _("You cannot verify an adoption of your own organisation's innovation.")
    claimer = adoption.claimed_by_id
    if adoption.verification != Verification.CLAIMED:
        waiting = adoption.changes.filter(status=Verification.CLAIMED).first()
        if waiting is not None:
            claimer = waiting.claimed_by_id
    if claimer == user.pk:
        return _("You cannot verify an adoption you recorded yourself.")
    return ""
