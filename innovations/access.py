"""Who may do what with suppliers and innovations. The one place these checks live."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Innovation, Supplier, SupplierMember

REVIEW_PERMISSION = "innovations.review_innovation"


def supplier_for(user: AbstractBaseUser) -> Supplier | None:
    """The supplier organisation the user belongs to, or None. Cached on the user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_koploper_supplier"):
        membership = SupplierMember.objects.select_related("supplier").filter(user=user).first()
        user._koploper_supplier = membership.supplier if membership else None
    return user._koploper_supplier


def is_reviewer(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def is_member(user: AbstractBaseUser, supplier_id: int) -> bool:
    supplier = supplier_for(user)
    return supplier is not None and supplier.pk == supplier_id


def may_edit_supplier(user: AbstractBaseUser, supplier: Supplier) -> bool:
    """Its members and administrators change a supplier's profile."""
    return user.is_authenticated and (user.is_superuser or is_member(user, supplier.pk))


def may_act_for_supplier(user: AbstractBaseUser, innovation: Innovation) -> bool:
    """Members of the innovation's supplier and administrators write it, submit, withdraw."""
    return user.is_authenticated and (user.is_superuser or is_member(user, innovation.supplier_id))


def may_review(user: AbstractBaseUser, innovation: Innovation) -> bool:
    """Reviewers (and administrators) may claim and decide, except on an innovation of a
    supplier they belong to."""
    return is_reviewer(user) and not is_member(user, innovation.supplier_id)


def claim_allows_decision(user: AbstractBaseUser, innovation: Innovation) -> bool:
    """An innovation claimed by another reviewer is theirs to decide: the claim is what
    makes "exactly one wins". Administrators may step in; an unclaimed one (awaiting a
    further approval) is open to any reviewer."""
    claimant = innovation.assigned_reviewer_id
    return claimant is None or claimant == user.pk or user.is_superuser


def require_supplier_member(user: AbstractBaseUser, innovation: Innovation) -> None:
    """PermissionDenied unless `user` may act for the innovation's supplier."""
    if not may_act_for_supplier(user, innovation):
        raise PermissionDenied(_("Only the supplier's own members can do this."))


def require_reviewer_of(user: AbstractBaseUser, innovation: Innovation) -> None:
    """PermissionDenied unless `user` may review the innovation, saying why not."""
    if not may_review(user, innovation):
        if is_reviewer(user):
            raise PermissionDenied(
                _("You cannot review an innovation of an organisation you belong to.")
            )
        raise PermissionDenied(_("Only reviewers can do this."))


def get_innovation_for_review(user: AbstractBaseUser, pk) -> Innovation:
    """An innovation as a reviewer sees it: 403 for anyone without the review role or who
    belongs to its supplier, 404 for anything never submitted (drafts are private)."""
    if not is_reviewer(user):
        raise PermissionDenied(_("Only reviewers can do this."))
    try:
        innovation = Innovation.objects.select_related(
            "supplier", "assigned_reviewer", "revision_of"
        ).get(pk=pk, submitted_at__isnull=False)
    except (Innovation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if is_member(user, innovation.supplier_id):
        raise PermissionDenied(
            _("You cannot review an innovation of an organisation you belong to.")
        )
    return innovation


def require_supplier_role(user: AbstractBaseUser) -> Supplier | None:
    """The user's supplier; None for an administrator without one; 403 for anyone else."""
    supplier = supplier_for(user)
    if supplier is None and not user.is_superuser:
        raise PermissionDenied(_("This page is for suppliers."))
    return supplier


def get_own_innovation(user: AbstractBaseUser, pk) -> Innovation:
    """An innovation of the supplier of `user` (a supplier's page): 403 for anyone who is no
    supplier, 404 for another supplier's innovation."""
    require_supplier_role(user)
    return get_innovation_for_supplier(user, pk)


def get_innovation_for_supplier(user: AbstractBaseUser, pk: int) -> Innovation:
    """An innovation of the user's own supplier; 404 for anything else (admins see all)."""
    queryset = Innovation.objects.select_related("supplier")
    if user.is_superuser:
        return _get_or_404(queryset, pk)
    supplier = supplier_for(user)
    if supplier is None:
        raise Http404
    return _get_or_404(queryset.filter(supplier=supplier), pk)


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (Innovation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_decide_supplier_change(user: AbstractBaseUser, supplier: Supplier) -> bool:
    """Reviewers (and administrators) decide on an organisation's new name or number,
    never for an organisation they belong to."""
    if not is_reviewer(user):
        return False
    own = supplier_for(user)
    return own is None or own.pk != supplier.pk
