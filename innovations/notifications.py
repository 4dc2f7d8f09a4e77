"""The mails of the review workflow: who is told about a status change, and the mail
itself (rendered and sent by core.mail, through the outbox, after commit)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from audit.outbox import mail_on_commit
from core.mail import absolute_url, recipient_language, send_templated_mail

from .access import REVIEW_PERMISSION
from .enums import Status
from .models import Innovation, StatusChange, Supplier


def reviewers_to_notify(innovation: Innovation) -> QuerySet:
    """Active users holding the review permission (directly or through a group), except
    members of the innovation's supplier."""
    return (
        get_user_model()
        .objects.with_perm(
            REVIEW_PERMISSION,
            is_active=True,
            include_superusers=False,
            # The permission backend by name: django-axes' backend is listed first.
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(supplier_membership__supplier_id=innovation.supplier_id)
        .exclude(email="")
    )


def supplier_members_to_notify(supplier: Supplier | int) -> QuerySet:
    supplier_id = supplier if isinstance(supplier, int) else supplier.pk
    return (
        get_user_model()
        .objects.filter(supplier_membership__supplier_id=supplier_id, is_active=True)
        .exclude(email="")
    )


def schedule_status_mails(change: StatusChange, innovation: Innovation) -> None:
    """The mails of a status change, in its transaction (called by the workflow's wrapper):
    a submission to the reviewers, a decision to the supplier's members."""
    if change.to_status == Status.SUBMITTED:
        recipients = reviewers_to_notify(innovation)
    elif change.to_status in (Status.APPROVED, Status.CHANGES_REQUESTED, Status.REJECTED):
        recipients = supplier_members_to_notify(innovation.supplier_id)
    else:
        return
    user_ids = list(recipients.values_list("pk", flat=True))
    if not user_ids:
        return

    from .tasks import send_status_mail  # tasks imports this module

    # One outbox row per mail, in the transition's transaction: each is sent once, and a
    # broker that is down neither undoes the transition nor loses the mail (it is logged,
    # and send_pending_mails sends it later).
    for user_id in user_ids:
        mail_on_commit(send_status_mail, status_change_id=change.pk, user_id=user_id)


def status_change_notify(*, status_change: StatusChange, user: AbstractBaseUser) -> None:
    """Send the mail about one status change to one recipient, in the recipient's language:
    a new submission to a reviewer, a decision to a member of the supplier."""
    innovation = status_change.innovation
    if status_change.to_status == Status.SUBMITTED:
        template = "emails/innovation_submitted"
        url_name = "review:detail"
    else:
        template = "emails/innovation_decision"
        url_name = "innovations:manage"
    with translation.override(recipient_language(user)):
        try:
            url = absolute_url(reverse(url_name, args=[innovation.pk]))
        except NoReverseMatch:
            url = absolute_url("/")
        send_templated_mail(
            user=user,
            template=template,
            context={
                "innovation": innovation,
                "supplier": innovation.supplier,
                "change": status_change,
                "status": Status(status_change.to_status).label,
                "is_revision": innovation.revision_of_id is not None,
                "url": url,
            },
        )
