"""Who may do what with suppliers and innovations. The one place these checks live."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import Http404

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
