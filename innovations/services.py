"""Every write to suppliers, innovations and reviews."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_changes, audit_record, created_values, field_values
from core import caching
from core.validators import normalise_registration_number

from .access import may_act_for_supplier, may_edit_supplier
from .domain_links import innovation_domains_set
from .enums import Domain, Status
from .models import (
    CONTENT_FIELDS,
    EDITABLE_FIELDS,
    Innovation,
    StatusChange,
    Supplier,
    SupplierMember,
)
from .workflow import (
    EDITABLE_STATES,
    OPEN_STATES,
    TransitionNotAllowed,
    innovation_transition,
)

__all__ = [
    "innovation_create",
    "innovation_transition",
    "innovation_update",
    "supplier_create",
    "supplier_member_add",
    "supplier_update",
]


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
    actor: AbstractBaseUser | None = None,
) -> Supplier:
    """Create a supplier organisation, optionally with `user` as its first member.
    The registration number, when given, is validated and normalised for the country.
    `actor` is who does it, for the audit log (None: the system, e.g. a command)."""
    if registration_number:
        registration_number = normalise_registration_number(registration_number, country)
    require_number_free(registration_number)
    supplier = Supplier.objects.create(
        name=name.strip(),
        slug=_unique_supplier_slug(name),
        country=country,
        size=size,
        registration_number=registration_number,
        website=website,
    )
    audit_record(
        actor=actor,
        action="supplier.create",
        obj=supplier,
        changes=created_values(field_values(supplier, SUPPLIER_FIELDS)),
    )
    if user is not None:
        supplier_member_add(supplier=supplier, user=user, actor=actor)
    return supplier


SUPPLIER_FIELDS = ("name", "slug", "country", "size", "registration_number", "website")


@transaction.atomic
def supplier_member_add(
    *, supplier: Supplier, user: AbstractBaseUser, actor: AbstractBaseUser | None = None
) -> SupplierMember:
    """Make `user` a member of `supplier` (a user belongs to one supplier at most);
    `actor` is who does it, for the audit log."""
    member = SupplierMember.objects.create(supplier=supplier, user=user)
    audit_record(
        actor=actor,
        action="supplier_member.add",
        obj=member,
        changes={"supplier": [None, supplier.pk], "user": [None, user.pk]},
    )
    return member


@transaction.atomic
def supplier_member_remove(*, member: SupplierMember, actor: AbstractBaseUser | None) -> None:
    """End `member`'s membership of its supplier (administrators, in the admin)."""
    audit_record(
        actor=actor,
        action="supplier_member.remove",
        obj=member,
        changes={"supplier": [member.supplier_id, None], "user": [member.user_id, None]},
    )
    member.delete()


# What the audit log records of a change of a supplier's profile.
PROFILE_FIELDS = (*SUPPLIER_FIELDS, "pending_name", "pending_registration_number")


@transaction.atomic
def supplier_update(
    *,
    supplier: Supplier,
    user: AbstractBaseUser,
    name: str,
    country: str,
    size: str,
    registration_number: str = "",
    website: str = "",
) -> Supplier:
    """Update a supplier's profile; its members and administrators may. The registration
    number, when given, is validated and normalised for the (possibly new) country, and
    must not be another organisation's. The country, size and website change at once; a
    member's new name or number waits for a reviewer (innovations.organisation_changes),
    an administrator's applies at once."""
    if not may_edit_supplier(user, supplier):
        raise PermissionDenied(_("Only the organisation's own members can change it."))
    if registration_number:
        registration_number = normalise_registration_number(registration_number, country)
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the organisation's name.")]})
    # The stored row, locked: a form may have set the new values on `supplier` already.
    row = Supplier.objects.select_for_update().get(pk=supplier.pk)
    require_number_free(registration_number, supplier_id=row.pk)
    with audit_changes(
        actor=user,
        action="supplier.update",
        obj=row,
        fields=PROFILE_FIELDS,
        only_if_changed=True,
    ):
        row.country, row.size, row.website = country, size, website
        if user.is_superuser or (name, registration_number) == (row.name, row.registration_number):
            row.name, row.registration_number = name, registration_number
            row.pending_name, row.pending_registration_number = "", ""
            row.change_requested_at = row.change_requested_by = None
        else:
            row.pending_name, row.pending_registration_number = name, registration_number
            row.change_requested_at, row.change_requested_by = timezone.now(), user
        row.full_clean(exclude=["slug"], validate_constraints=False)
        row.save(
            update_fields=[
                "name",
                "country",
                "size",
                "registration_number",
                "website",
                "pending_name",
                "pending_registration_number",
                "change_requested_at",
                "change_requested_by",
            ]
        )
    innovation_supplier_size_sync(supplier=row)
    # The catalogue shows the supplier's name and size, and counts by size.
    caching.bump_data_version(caching.CATALOGUE)
    return row


def innovation_supplier_size_sync(*, supplier: Supplier) -> None:
    """Keep the supplier's size on its innovations (for the catalogue's size facet), in the
    caller's transaction; every change of a supplier's size calls this."""
    rows = Innovation.objects.filter(supplier=supplier).exclude(supplier_size=supplier.size)
    rows.update(supplier_size=supplier.size)


def require_number_free(registration_number: str, *, supplier_id: int | None = None) -> None:
    """ValidationError when another organisation has `registration_number`, or asked for it."""
    if not registration_number:
        return
    others = Supplier.objects.exclude(pk=supplier_id) if supplier_id else Supplier.objects
    if others.filter(
        Q(registration_number=registration_number)
        | Q(pending_registration_number=registration_number)
    ).exists():
        raise ValidationError(
            {
                "registration_number": ValidationError(
                    _(
                        "An organisation with this number is already registered. Ask a "
                        "colleague or an administrator to add you to it."
                    ),
                    code="duplicate",
                )
            }
        )


# --- Innovations ---------------------------------------------------------------------------


def _unique_innovation_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:120] or "innovatie"
    slug, n = base, 1
    taken = Innovation.objects.exclude(pk=exclude_pk) if exclude_pk else Innovation.objects
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(innovation: Innovation, changes: dict) -> list[str]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = []
    for name, value in changes.items():
        if name == "domains":
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "maturity" and value == "":
            value = None
        setattr(innovation, name, value)
        changed.append(name)
    return changed


def _validate(innovation: Innovation, domains) -> None:
    """Model validation (lengths, TRL 1–9, e-mail, choices); the form or serializer has
    normally caught all of this already, but the command and task paths have not."""
    innovation.full_clean(exclude=["supplier", "slug", "status", "revision_of"])
    # TextField.max_length is not enforced by the model; enforce it here.
    for name in ("description", "evidence", "references"):
        limit = Innovation._meta.get_field(name).max_length
        if len(getattr(innovation, name) or "") > limit:
            raise ValidationError(
                {name: [_("Keep this under %(limit)s characters.") % {"limit": limit}]}
            )
    if domains is not None:
        unknown = set(domains) - set(Domain.values)
        if unknown:
            raise ValidationError(
                {
                    "domains": [
                        _("Unknown domain: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
                    ]
                }
            )


@transaction.atomic
def innovation_create(
    *,
    supplier: Supplier,
    user: AbstractBaseUser,
    title: str,
    domains: list[str] | tuple[str, ...] = (),
    **fields,
) -> Innovation:
    """Create a draft innovation for `supplier` (its members and administrators may).
    `fields` are the other content fields (summary, description, route, maturity, …);
    a draft may be incomplete, submitting checks completeness."""
    if not may_edit_supplier(user, supplier):
        raise PermissionDenied(_("Only the organisation's own members can add innovations."))
    innovation = Innovation(supplier=supplier, supplier_size=supplier.size, status=Status.DRAFT)
    _apply(innovation, {"title": title, **fields})
    _validate(innovation, domains)
    innovation.slug = _unique_innovation_slug(innovation.title)
    innovation.save()
    innovation_domains_set(innovation=innovation, codes=domains)
    StatusChange.objects.create(
        innovation=innovation, actor=user, from_status="", to_status=Status.DRAFT
    )
    audit_record(
        actor=user,
        action="innovation.create",
        obj=innovation,
        changes=created_values(_snapshot(innovation, domains)),
    )
    return innovation


AUDITED_FIELDS = ("supplier", "slug", "status", *CONTENT_FIELDS)


def _snapshot(innovation: Innovation, domains) -> dict:
    """The audited values of an innovation, its domains as a sorted list of codes."""
    return {**field_values(innovation, AUDITED_FIELDS), "domains": sorted(set(domains))}


@transaction.atomic
def innovation_update(
    *, innovation: Innovation, user: AbstractBaseUser, **changes
) -> tuple[Innovation, bool]:
    """Change an innovation's content; returns (the row that was changed, created).

    Drafts and innovations sent back for changes are edited in place. An approved,
    published innovation stays as it is: the change goes into its pending revision (a
    separate row with `revision_of` set, created here on the first edit, `created` True),
    which is reviewed like a new submission and on approval copied onto the original.
    A decided revision (approved and copied onto the original, rejected, or withdrawn) is
    history: an edit through it is an edit of its original. Anything else (submitted, in
    review, rejected, withdrawn) is TransitionNotAllowed."""
    if not may_act_for_supplier(user, innovation):
        raise PermissionDenied(_("Only the supplier's own members can change it."))
    original_id = innovation.revision_of_id
    if original_id:
        original = Innovation.objects.select_for_update().get(pk=original_id)  # original first
    row = Innovation.objects.select_for_update().get(pk=innovation.pk)
    if original_id and row.status not in OPEN_STATES:
        return innovation_update(innovation=original, user=user, **changes)
    created = False
    if row.status == Status.APPROVED and row.revision_of_id is None:
        row, created = _open_revision(original=row, user=user)
    if row.status not in EDITABLE_STATES:
        if row.revision_of_id and row.revision_of_id == innovation.pk:
            message = _(
                "Your earlier change to this innovation is being reviewed; you can edit "
                "again once it has been decided."
            )
        else:
            message = _("This innovation cannot be edited while its status is “%(status)s”.") % {
                "status": Status(row.status).label
            }
        raise TransitionNotAllowed(message)
    domains = changes.get("domains")
    with audit_changes(
        actor=user,
        action="innovation.update",
        obj=row,
        fields=AUDITED_FIELDS,
        # The domains only when they are given: reading them costs a query.
        extra=(lambda: {"domains": _domain_codes(row)}) if domains is not None else None,
        only_if_changed=True,
    ):
        changed = _apply(row, changes)
        _validate(row, domains)
        if "title" in changed and row.revision_of_id is None and row.published_at is None:
            # Never published, so no link to it can break yet: keep the slug in step.
            row.slug = _unique_innovation_slug(row.title, exclude_pk=row.pk)
            changed.append("slug")
        row.save(update_fields=[*changed, "updated_at"] if not created else None)
        if domains is not None:
            innovation_domains_set(innovation=row, codes=domains)
    return row, created


def _domain_codes(innovation: Innovation) -> list[str]:
    return sorted(innovation.domains.values_list("code", flat=True))


def _open_revision(*, original: Innovation, user) -> tuple[Innovation, bool]:
    """The pending revision of an approved innovation, created as a copy when there is
    none (the database allows one open revision per innovation)."""
    revision = original.revisions.filter(status__in=OPEN_STATES).first()
    if revision is not None:
        return revision, False
    revision = Innovation(supplier_id=original.supplier_id, revision_of=original)
    revision.status, revision.supplier_size = Status.DRAFT, original.supplier_size
    for name in CONTENT_FIELDS:
        setattr(revision, name, getattr(original, name))
    revision.slug = _unique_innovation_slug(f"{original.slug[:110]}-revisie")
    revision.save()
    domains = list(original.domains.values_list("code", flat=True))
    innovation_domains_set(innovation=revision, codes=domains)
    StatusChange.objects.create(
        innovation=revision,
        actor=user,
        from_status="",
        to_status=Status.DRAFT,
        system_note=gettext_noop("Proposed change to the published innovation."),
    )
    audit_record(
        actor=user,
        action="innovation.open_revision",
        obj=revision,
        changes={
            "revision_of": [None, original.pk],
            **created_values(_snapshot(revision, domains)),
        },
    )
    return revision, True
