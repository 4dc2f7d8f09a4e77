"""Sign-ups never confirmed are removed, so that their e-mail address (and the organisation's
registration number, or the request to buy) is not taken forever by someone who never
followed the link.

An account qualifies when it still awaits confirmation, is inactive, never logged in, is no
staff, and its last confirmation link (`confirmation_sent_at`, else the sign-up itself) is
older than SIGNUP_CONFIRM_DAYS plus SIGNUP_GRACE_DAYS (a day): the link expired unused. With it
go what the sign-up made and nobody else has: its membership of its organisation, the organisation
itself when nothing else refers to it (no other member, no innovation, nothing else), and
its request to buy. An account that anything else refers to (a review, a question, a
shortlist: something an administrator or another user did with it) is left for an
administrator, and so is an organisation others rely on (the account leaves it).

One transaction per account, the account's row locked and its conditions checked again in
it, so a second run, or two at once, find nothing left to do; every removal is in the audit
log (`user.remove_unconfirmed`, `supplier.remove_unconfirmed` and the memberships' own
entries) and in the security log. Run daily by beat (`portal.remove_expired_signups`) and by
`manage.py remove_expired_signups`."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import audit_record, field_values, removed_values
from innovations.models import Supplier, SupplierMember
from innovations.services import SUPPLIER_FIELDS, supplier_member_remove
from municipalities.memberships import membership_remove
from municipalities.models import BuyerMembership

logger = logging.getLogger("koploper.security")

# Relations whose rows a sign-up makes and the removal takes along; any other row that
# would be deleted with the account (or protects it) keeps the account.
SIGNUP_RELATIONS = {SupplierMember, BuyerMembership}
HARMLESS = {models.SET_NULL, models.DO_NOTHING}


def expired_signups(*, now: datetime.datetime | None = None) -> models.QuerySet:
    """The accounts whose sign-up was never confirmed and whose last link has expired
    (SIGNUP_GRACE_DAYS after SIGNUP_CONFIRM_DAYS)."""
    days = settings.SIGNUP_CONFIRM_DAYS + settings.SIGNUP_GRACE_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        get_user_model()
        .objects.filter(
            awaiting_confirmation=True,
            is_active=False,
            is_staff=False,
            is_superuser=False,
            last_login__isnull=True,
        )
        .alias(last_link=Coalesce("confirmation_sent_at", "date_joined"))
        .filter(last_link__lt=cutoff)
    )


def expired_signups_remove(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remove every expired sign-up that only its own sign-up refers to, each in its own
    transaction. Returns (removed, kept: expired but relied on). Safe to re-run and to run
    twice at once."""
    removed = kept = 0
    for pk in expired_signups(now=now).order_by("pk").values_list("pk", flat=True):
        outcome = expired_signup_remove(pk=pk, now=now)
        removed += outcome is True
        kept += outcome is False
    return removed, kept


def _relied_on(obj: models.Model, *, own: dict[type, models.Q]) -> bool:
    """Whether a row other than `own` (per related model: the rows the removal takes
    along) refers to `obj` and would be deleted with it or protect it."""
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        if getattr(relation, "on_delete", None) in HARMLESS:
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: obj})
        if relation.related_model in own:
            rows = rows.exclude(own[relation.related_model])
        if rows.exists():
            return True
    return False


@transaction.atomic
def expired_signup_remove(*, pk: int, now: datetime.datetime | None = None) -> bool | None:
    """Remove the expired sign-up `pk` with what only it made. True: removed; False: kept,
    something else refers to it; None: not (or no longer) an expired sign-up."""
    user = expired_signups(now=now).select_for_update().filter(pk=pk).first()
    if user is None:
        return None  # confirmed, removed by another run, or not expired after all
    member = SupplierMember.objects.filter(user=user).first()
    buyer = BuyerMembership.objects.filter(user=user).first()
    own = {model: models.Q(user=user) for model in SIGNUP_RELATIONS}
    if _relied_on(user, own=own):
        logger.warning("unconfirmed sign-up kept, in use: user=%s", user.get_username())
        return False
    organisation_removed = False
    if member is not None:
        supplier = Supplier.objects.select_for_update().get(pk=member.supplier_id)
        supplier_member_remove(member=member, actor=None)
        # Another member, an innovation: the organisation stays.
        if not _relied_on(supplier, own={}):
            audit_record(
                actor=None,
                action="supplier.remove_unconfirmed",
                obj=supplier,
                changes=removed_values(field_values(supplier, SUPPLIER_FIELDS)),
            )
            supplier.delete()
            organisation_removed = True
    if buyer is not None:
        membership_remove(membership=buyer, actor=None)
    _user_remove(user)
    logger.info(
        "unconfirmed sign-up removed: user=%s organisation_removed=%s",
        user.get_username(),
        organisation_removed,
    )
    return True


def _user_remove(user: AbstractBaseUser) -> None:
    audit_record(
        actor=None,
        action="user.remove_unconfirmed",
        obj=user,
        changes=removed_values(
            {
                "username": user.get_username(),
                "email": user.email,
                "date_joined": user.date_joined,
                "confirmation_sent_at": user.confirmation_sent_at,
            }
        ),
    )
    user.delete()
