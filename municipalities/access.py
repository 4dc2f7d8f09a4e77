"""Who may see and do what with municipalities, adoptions and challenges. The one place
these checks live: views, API, services and templates ask here."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from innovations.access import supplier_for
from innovations.models import Innovation

from .enums import ChallengeStatus, MembershipStatus, Verification
from .models import Adoption, BuyerMembership, Challenge, Municipality

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


def require_buyer_municipality(user: AbstractBaseUser) -> Municipality:
    """The municipality `user` buys for; PermissionDenied for anyone who is not a buyer."""
    municipality = buyer_municipality(user)
    if municipality is None:
        raise PermissionDenied(_("Only municipal buyers can do this."))
    return municipality


def require_verifier(user: AbstractBaseUser) -> None:
    if not can_verify_adoptions(user):
        raise PermissionDenied(_("Only reviewers can verify adoptions."))


def may_see_adoption_internals(user: AbstractBaseUser, adoption: Adoption) -> bool:
    """Its municipality's buyers, the reviewers who verify and administrators see an
    adoption in any verification state, with its claimed change and notes."""
    return can_act_for(user, adoption.municipality) or can_verify_adoptions(user)


def sees_adopter_contacts(user: AbstractBaseUser) -> bool:
    """Contact persons of adopting municipalities are for signed-in buyers (and the staff
    who verify them), on the innovation page and in the API."""
    return buyer_municipality(user) is not None or can_verify_adoptions(user) or user.is_superuser


def get_adoption_for_viewer(user: AbstractBaseUser, pk, queryset=None) -> Adoption:
    """A public adoption (verified, of a published innovation) for anyone; any adoption for
    those who see its internals (may_see_adoption_internals); 404 otherwise."""
    if queryset is None:
        queryset = Adoption.objects.select_related(
            "municipality", "innovation__supplier", "verified_by"
        )
    adoption = get_object_or_404(queryset, pk=pk)
    public = adoption.verification == Verification.VERIFIED and (
        Innovation.objects.approved().filter(pk=adoption.innovation_id).exists()
    )
    if public or may_see_adoption_internals(user, adoption):
        return adoption
    raise Http404


def get_adoption_to_manage(user: AbstractBaseUser, pk) -> Adoption:
    """An adoption its municipality's buyers (and administrators) change; 403 for others
    who may see it, 404 for the rest."""
    adoption = get_adoption_for_viewer(user, pk)
    if not can_act_for(user, adoption.municipality):
        raise PermissionDenied(_("Only buyers of this municipality can change its adoptions."))
    return adoption


def challenge_is_open(challenge: Challenge) -> bool:
    return challenge.status == ChallengeStatus.OPEN and challenge.deadline >= timezone.localdate()


def may_view_challenge(user: AbstractBaseUser, challenge: Challenge) -> bool:
    """Open challenges are public; closed or expired ones only for their municipality."""
    return challenge_is_open(challenge) or can_act_for(user, challenge.municipality)


def get_challenge_for_viewer(user: AbstractBaseUser, pk) -> Challenge:
    """A challenge `user` may see (may_view_challenge), else 404."""
    challenge = get_object_or_404(Challenge.objects.select_related("municipality"), pk=pk)
    if may_view_challenge(user, challenge):
        return challenge
    raise Http404


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
