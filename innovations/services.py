"""Every write to suppliers, innovations and reviews."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from .models import Supplier, SupplierMember
from .validators import normalise_registration_number


def _unique_supplier_slug(name: str) -> str:
    base = slugify(name)[:200] or "leverancier"
    slug, n = base, 1
    while Supplier.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def supplier_create(
    *,
    name: str,
    country: str,
    size: str,
    registration_number: str = "",
    website: str = "",
    user: AbstractBaseUser | None = None,
) -> Supplier:
    """Create a supplier organisation, optionally with `user` as its first member.
    The registration number, when given, is validated and normalised for the country."""
    if registration_number:
        registration_number = normalise_registration_number(registration_number, country)
    supplier = Supplier.objects.create(
        name=name.strip(),
        slug=_unique_supplier_slug(name),
        country=country,
        size=size,
        registration_number=registration_number,
        website=website,
    )
    if user is not None:
        supplier_member_add(supplier=supplier, user=user)
    return supplier


def supplier_member_add(*, supplier: Supplier, user: AbstractBaseUser) -> SupplierMember:
    """Make `user` a member of `supplier` (a user belongs to one supplier at most)."""
    return SupplierMember.objects.create(supplier=supplier, user=user)
