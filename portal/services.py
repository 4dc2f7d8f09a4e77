"""Writes that span the apps: accounts with a role. Each app keeps its own memberships;
these functions only compose the apps' services in one transaction."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record, changed_values
from core.countries import Country
from innovations.access import REVIEW_PERMISSION
from innovations.enums import SupplierSize
from innovations.models import Supplier
from innovations.services import supplier_create, supplier_member_add
from municipalities.access import VERIFY_PERMISSION
from municipalities.memberships import membership_decide, membership_request
from municipalities.models import Municipality
from procurement.access import ADVISE_PERMISSION

from .roles import ADMIN, ADVISER, BUYER, REVIEWER, ROLES, SUPPLIER

REVIEWERS_GROUP = "Reviewers"
REVIEWER_PERMISSIONS = [REVIEW_PERMISSION, VERIFY_PERMISSION]
# Regional staff who answer the support desk's questions; reviewers can be in it too.
ADVISERS_GROUP = "Advisers"
ADVISER_PERMISSIONS = [ADVISE_PERMISSION]


def password_reset_send(*, email: str) -> None:
    """Mail a password reset link to each active account of `email` with a usable password
    (none: nothing), in its own language, linking to the portal's public address
    (KOPLOPER_BASE_URL) rather than a request's Host header. Called from the outbox's task."""
    from .forms import PasswordResetForm  # the forms validate with this module's helpers

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    base = urlsplit(settings.KOPLOPER_BASE_URL)
    form.save(
        domain_override=base.netloc,
        use_https=base.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        html_email_template_name="registration/password_reset_email.html",
    )


def username_taken(username: str) -> bool:
    return get_user_model().objects.filter(username__iexact=username).exists()


def email_taken(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    language: str = "nl",
    awaiting_confirmation: bool = False,
) -> AbstractBaseUser:
    """Create an account after checking that username and e-mail are free (ignoring case)
    and that the password passes the configured validators. Raises ValidationError.

    `password=None` makes an account without a usable password (it signs in after a
    password reset), as scripts such as the demo do for accounts nobody signs in to.
    `awaiting_confirmation` makes it inactive until the link mailed to its address is
    followed (portal.signup)."""
    User = get_user_model()
    username = username.strip()
    email = User.objects.normalize_email(email.strip())
    errors = {}
    if not username:
        errors["username"] = [_("A username is required.")]
    elif username_taken(username):
        errors["username"] = [_("The username “%(username)s” is taken.") % {"username": username}]
    if not email:
        errors["email"] = [_("An e-mail address is required.")]
    elif email_taken(email):
        errors["email"] = [
            _("An account with the e-mail address %(email)s exists.") % {"email": email}
        ]
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        is_active=not awaiting_confirmation,
        awaiting_confirmation=awaiting_confirmation,
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def supplier_signup(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    language: str,
    organisation_name: str,
    registration_number: str,
    country: str,
    size: str,
    website: str = "",
    awaiting_confirmation: bool = False,
) -> AbstractBaseUser:
    """A new supplier: the account and its organisation, both or neither."""
    user = user_create(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=language,
        awaiting_confirmation=awaiting_confirmation,
    )
    supplier_create(
        name=organisation_name,
        country=country,
        size=size,
        registration_number=registration_number,
        website=website,
        user=user,
        actor=user,
    )
    return user


@transaction.atomic
def buyer_signup(
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    language: str,
    municipality: Municipality,
    job_title: str,
    motivation: str = "",
    awaiting_confirmation: bool = False,
) -> AbstractBaseUser:
    """A new account with a request to buy for `municipality`; an administrator decides."""
    user = user_create(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=language,
        awaiting_confirmation=awaiting_confirmation,
    )
    membership_request(
        user=user,
        municipality=municipality,
        job_title=job_title,
        motivation=motivation,
        actor=user,
    )
    return user


def _group(name: str, permission_names: list[str]) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in (p.split(".") for p in permission_names)
    ]
    group.permissions.add(*permissions)
    return group


def reviewers_group() -> Group:
    """The group that carries the reviewer permissions, created on first use."""
    return _group(REVIEWERS_GROUP, REVIEWER_PERMISSIONS)


def advisers_group() -> Group:
    """The group that carries the adviser permission (the support desk), created on first
    use. Administrators grant it on a user's page in the admin, or with the user list's
    action; a reviewer can be an adviser too."""
    return _group(ADVISERS_GROUP, ADVISER_PERMISSIONS)


@transaction.atomic
def adviser_grant(*, user: AbstractBaseUser, actor: AbstractBaseUser | None) -> None:
    """Make `user` an adviser (idempotent), recorded in the audit log."""
    before = user_access(user)
    user.groups.add(advisers_group())
    user_access_record(user=user, before=before, actor=actor)


@transaction.atomic
def adviser_revoke(*, user: AbstractBaseUser, actor: AbstractBaseUser | None) -> None:
    """Take the adviser permission away, whether it came through the group or directly."""
    before = user_access(user)
    user.groups.remove(*Group.objects.filter(name=ADVISERS_GROUP))
    app_label, codename = ADVISE_PERMISSION.split(".")
    user.user_permissions.remove(
        *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    )
    user_access_record(user=user, before=before, actor=actor)


@transaction.atomic
def user_create_with_role(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str,
    organisation: str = "",
    municipality_code: str = "",
    country: str = Country.NL,
    registration_number: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "nl",
) -> AbstractBaseUser:
    """Create an account with one role in one step (for administrators and scripts).

    supplier: member of the organisation named `organisation`, created if no supplier has
    that name (with `country` and `registration_number`); buyer: approved buyer of the
    municipality with official code `municipality_code`; reviewer: member of the
    "Reviewers" group; adviser: member of the "Advisers" group (the support desk); admin:
    staff and superuser. Raises ValidationError and creates
    nothing when anything is wrong."""
    if role not in ROLES:
        raise ValidationError({"role": [_("Unknown role “%(role)s”.") % {"role": role}]})
    municipality = None
    if role == SUPPLIER and not organisation.strip():
        raise ValidationError(
            {"organisation": [_("A supplier needs an organisation (--organisation).")]}
        )
    if role == BUYER:
        if not municipality_code.strip():
            raise ValidationError(
                {"municipality": [_("A buyer needs a municipality code (--municipality).")]}
            )
        municipality = Municipality.objects.filter(code__iexact=municipality_code.strip()).first()
        if municipality is None:
            raise ValidationError(
                {
                    "municipality": [
                        _("Unknown municipality code “%(code)s”.") % {"code": municipality_code}
                    ]
                }
            )
    user = user_create(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    if role == SUPPLIER:
        supplier = Supplier.objects.filter(name__iexact=organisation.strip()).first()
        if supplier is None:
            supplier_create(
                name=organisation,
                country=country,
                size=SupplierSize.SME,
                registration_number=registration_number,
                user=user,
            )
        else:
            supplier_member_add(supplier=supplier, user=user)
    elif role == BUYER:
        membership = membership_request(user=user, municipality=municipality)
        membership_decide(membership=membership, approve=True, decided_by=None)
    elif role == ADVISER:
        adviser_grant(user=user, actor=None)
    elif role in (REVIEWER, ADMIN):
        before = user_access(user)
        if role == REVIEWER:
            user.groups.add(reviewers_group())
        else:
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        user_access_record(user=user, before=before, actor=None)
    return user


def user_access(user: AbstractBaseUser) -> dict:
    """What an account may do beyond its memberships: its flags, groups and own
    permissions (group and permission names, sorted), for the audit log."""
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app_label}.{codename}"
            for app_label, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def user_access_record(
    *, user: AbstractBaseUser, before: dict, actor: AbstractBaseUser | None
) -> None:
    """Record a change of `user`'s access (role grants: flags, groups, permissions)
    since `before` (from user_access); nothing when nothing changed. The role grants in
    this module and the administrators' user pages in the admin both call this."""
    changes = changed_values(before, user_access(user))
    if changes:
        audit_record(actor=actor, action="user.access", obj=user, changes=changes)
