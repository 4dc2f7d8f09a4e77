"""The roles of DESIGN.md, derived from what each app owns: supplier membership
(innovations), buyer membership (municipalities), the reviewer permission, the adviser
permission (procurement) and superuser."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from innovations.access import is_reviewer, supplier_for
from municipalities.access import buyer_municipality
from procurement.access import is_adviser

SUPPLIER = "supplier"
BUYER = "buyer"
REVIEWER = "reviewer"
ADVISER = "adviser"
ADMIN = "admin"
ROLES = [SUPPLIER, BUYER, REVIEWER, ADVISER, ADMIN]
ROLE_LABELS = {
    SUPPLIER: _("Supplier"),
    BUYER: _("Municipal buyer"),
    REVIEWER: _("Reviewer"),
    ADVISER: _("Adviser (support desk)"),
    ADMIN: _("Administrator"),
}


def roles_for(user: AbstractBaseUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    roles = set()
    if user.is_superuser:
        roles.add(ADMIN)
    if supplier_for(user) is not None:
        roles.add(SUPPLIER)
    if buyer_municipality(user) is not None:
        roles.add(BUYER)
    if is_reviewer(user):
        roles.add(REVIEWER)
    if is_adviser(user) and not user.is_superuser:
        roles.add(ADVISER)
    return roles
