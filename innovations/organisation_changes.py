"""A supplier's change of its name or registration number waits for a reviewer.

The name and number are what buyers read next to the approved innovations; a member could
otherwise rename the organisation to another supplier's name and number and have it show
at once. `supplier_update` (services) keeps a member's new name or number as the requested
change (`pending_name`, `pending_registration_number`, `change_requested_at`); a reviewer
accepts it (it replaces the public name and number) or rejects it (they stay)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from audit.services import audit_changes
from core import caching
from core.exceptions import TransitionNotAllowed

from .access import may_decide_supplier_change
from .models import Supplier

IDENTITY_FIELDS = ("name", "registration_number", "pending_name", "pending_registration_number")


def supplier_changes_waiting() -> QuerySet[Supplier]:
    """Organisations with a requested change of name or number, oldest request first."""
    return (
        Supplier.objects.filter(change_requested_at__isnull=False)
        .select_related("change_requested_by")
        .order_by("change_requested_at", "id")
    )


def supplier_change_decide(*, supplier: Supplier, user: AbstractBaseUser, accept: bool) -> Supplier:
    """Accept or reject the organisation's requested name and number. Raises
    PermissionDenied (not a reviewer, or one of its members), TransitionNotAllowed (no
    change waits: decided already) and ValidationError (the number has meanwhile been
    registered by another organisation)."""
    if not may_decide_supplier_change(user, supplier):
        raise PermissionDenied(
            _("Only reviewers who do not belong to the organisation can decide on its change.")
        )
    try:
        with transaction.atomic():
            row = Supplier.objects.select_for_update().get(pk=supplier.pk)
            if row.change_requested_at is None:
                raise TransitionNotAllowed(
                    _("This organisation has no change waiting; it may have been decided already.")
                )
            with audit_changes(
                actor=user,
                action="supplier.change_accept" if accept else "supplier.change_reject",
                obj=row,
                fields=IDENTITY_FIELDS,
            ):
                if accept:
                    row.name = row.pending_name
                    row.registration_number = row.pending_registration_number
                row.pending_name = row.pending_registration_number = ""
                row.change_requested_at = row.change_requested_by = None
                row.save(
                    update_fields=[
                        "name",
                        "registration_number",
                        "pending_name",
                        "pending_registration_number",
                        "change_requested_at",
                        "change_requested_by",
                    ]
                )
    except IntegrityError:
        raise ValidationError(
            _(
                "Another organisation has registered this number in the meantime. Reject the "
                "change, or ask the organisations which of them it belongs to."
            )
        ) from None
    if accept:
        caching.bump_data_version(caching.CATALOGUE)  # the catalogue shows supplier names
    return row
