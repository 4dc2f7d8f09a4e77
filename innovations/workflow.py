"""The review workflow: the allowed transitions, who may perform them, the one function
that performs every transition, and the mails it sends afterwards.

    draft → submitted → in_review → changes_requested → submitted → …
                                  → approved → withdrawn
                                  → rejected

Approval may need several independent approvals (settings.KOPLOPER_REQUIRED_APPROVALS):
until enough reviewers have approved in the current round the innovation stays in_review,
unassigned, so that another reviewer can take it. A round ends with a request for changes
(or a rejection); approvals of earlier rounds judged an older text and do not count.

An edit of an approved innovation is a separate row (`revision_of`) with its own workflow;
approving it copies its content onto the published original. The supplier can withdraw a
pending revision from any open state, and withdrawing the original withdraws its pending
revision too.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from audit.outbox import mail_on_commit
from audit.services import audit_record, changed_values, created_values, field_values
from core import caching
from core.exceptions import TransitionNotAllowed
from core.mail import absolute_url, recipient_language, send_templated_mail

from . import vetting
from .access import REVIEW_PERMISSION, is_reviewer, supplier_for
from .domain_links import innovation_domains_set
from .enums import Criterion, Decision, Status
from .models import Innovation, Review, StatusChange, Supplier

logger = logging.getLogger(__name__)

SUBMIT = "submit"
CLAIM = "claim"
APPROVE = Decision.APPROVE.value
REQUEST_CHANGES = Decision.REQUEST_CHANGES.value
REJECT = Decision.REJECT.value
WITHDRAW = "withdraw"
DECISIONS = (APPROVE, REQUEST_CHANGES, REJECT)
# Vetting expires (innovations/vetting.py): the reconfirmation actions, which change the
# `reconfirmation` of an approved innovation rather than its status. EXPIRE is the
# system's (the daily job, no user).
EXPIRE = vetting.EXPIRE
CONFIRM_CURRENT = vetting.CONFIRM_CURRENT
RECONFIRM = vetting.RECONFIRM
RECONFIRM_CHANGES = vetting.RECONFIRM_CHANGES
SUPPLIER_ACTIONS = (SUBMIT, WITHDRAW, CONFIRM_CURRENT)
REVIEWER_ACTIONS = (CLAIM, *DECISIONS, RECONFIRM, RECONFIRM_CHANGES)
SYSTEM_ACTIONS = (EXPIRE,)

# The workflow of DESIGN.md, one entry per action: the states it may start from and the
# state it leads to. Two refinements live in innovation_transition: an approval short of
# the required number keeps the innovation in_review (unassigned), and a claim also takes
# an unassigned in_review innovation that awaits a further approval.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    SUBMIT: (frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED),
    CLAIM: (frozenset({Status.SUBMITTED}), Status.IN_REVIEW),
    APPROVE: (frozenset({Status.IN_REVIEW}), Status.APPROVED),
    REQUEST_CHANGES: (frozenset({Status.IN_REVIEW}), Status.CHANGES_REQUESTED),
    REJECT: (frozenset({Status.IN_REVIEW}), Status.REJECTED),
    WITHDRAW: (frozenset({Status.APPROVED}), Status.WITHDRAWN),
}
# The same workflow as a graph of states, for reading and for the tests: DESIGN.md's arrows.
ALLOWED_STATE_CHANGES: dict[str, set[str]] = {}
for _from_states, _to_state in TRANSITIONS.values():
    for _state in _from_states:
        ALLOWED_STATE_CHANGES.setdefault(_state, set()).add(_to_state)

# A pending revision is not published, so "withdraw" means dropping the proposed change.
REVISION_WITHDRAW_FROM = frozenset(
    {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED}
)
OPEN_STATES = REVISION_WITHDRAW_FROM
# States in which the supplier edits the row itself; an approved original gets a revision.
EDITABLE_STATES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})

# What a complete submission has, in form order: field name → label.
REQUIRED_FOR_SUBMISSION = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "description": gettext_lazy("Description"),
    "domains": gettext_lazy("Domains"),
    "route": gettext_lazy("Procurement route"),
    "maturity": gettext_lazy("Maturity (TRL)"),
    "price_indication": gettext_lazy("Price indication"),
    "evidence": gettext_lazy("Evidence"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact e-mail"),
}
SCORE_FIELDS = tuple(Criterion.values)
# What the audit log records of a transition and of a review.
TRANSITION_FIELDS = (
    "status",
    "assigned_reviewer",
    "submitted_at",
    "published_at",
    "approved_until",
    "reconfirmation",
)
REVIEW_FIELDS = ("innovation", "reviewer", "decision", *SCORE_FIELDS, "feedback", "internal_note")
FEEDBACK_MAX_LENGTH = 5000


def required_approvals() -> int:
    return max(1, int(getattr(settings, "KOPLOPER_REQUIRED_APPROVALS", 1)))


# --- Who may ------------------------------------------------------------------------------


def is_member(user: AbstractBaseUser, supplier_id: int) -> bool:
    supplier = supplier_for(user)
    return supplier is not None and supplier.pk == supplier_id


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


# --- Reads the workflow needs -------------------------------------------------------------


def current_round_reviews(innovation: Innovation) -> QuerySet[Review]:
    """The reviews of the current round: those after the last review that ended a round."""
    last_end = innovation.reviews.exclude(decision=Decision.APPROVE).aggregate(m=Max("id"))["m"]
    return innovation.reviews.filter(id__gt=last_end or 0)


def missing_for_submission(innovation: Innovation) -> dict[str, str]:
    """The fields a submission still lacks, field name → label (empty when complete)."""
    missing = {}
    for name, label in REQUIRED_FOR_SUBMISSION.items():
        if name == "domains":
            empty = not innovation.domains.all()  # uses prefetched domains when there are
        else:
            value = getattr(innovation, name)
            empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            missing[name] = str(label)
    return missing


# --- The one transition function ----------------------------------------------------------


def innovation_transition(
    *,
    innovation: Innovation,
    user: AbstractBaseUser | None,
    action: str,
    scores: dict[str, int] | None = None,
    feedback: str = "",
    internal_note: str = "",
    notify: bool = True,
    today=None,
) -> Innovation:
    """Perform one workflow action on an innovation and return the updated row.

    Actions: submit and withdraw (its supplier's members, administrators); claim, approve,
    request_changes and reject (reviewers and administrators who do not belong to its
    supplier). A decision records a Review with the four rubric scores; request_changes
    and reject need feedback for the supplier. Raises PermissionDenied (who), ValidationError
    (input, naming the field) or TransitionNotAllowed (state). The row is locked for the
    whole change, so of two simultaneous actions the second sees the first one's result.
    Every transition appends a StatusChange; mails go out through Celery after commit.

    The reconfirmation actions (vetting.ACTIONS) change an approved innovation's
    `reconfirmation` and keep its status: expire (the system, `user` None, on `today`),
    confirm_current (its supplier), reconfirm and reconfirm_request_changes (reviewers,
    the latter with feedback)."""
    if action not in TRANSITIONS and action not in vetting.ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if (user is None) != (action in SYSTEM_ACTIONS):
        # The system's actions are taken by the daily job, never by a person.
        raise PermissionDenied(_("Nobody can do this by hand."))
    if action in SUPPLIER_ACTIONS and not may_act_for_supplier(user, innovation):
        raise PermissionDenied(_("Only the supplier's own members can do this."))
    if action in REVIEWER_ACTIONS and not may_review(user, innovation):
        if is_reviewer(user):
            raise PermissionDenied(
                _("You cannot review an innovation of an organisation you belong to.")
            )
        raise PermissionDenied(_("Only reviewers can do this."))
    if action in DECISIONS:
        scores, feedback, internal_note = _clean_decision(action, scores, feedback, internal_note)
    if action in vetting.ACTIONS:
        feedback = vetting.clean_feedback(action, feedback)
    today = today or timezone.localdate()

    with transaction.atomic():
        # Lock the published original before its revision, everywhere, so that a withdrawal
        # and a revision's approval cannot deadlock.
        if innovation.revision_of_id:
            original = Innovation.objects.select_for_update().get(pk=innovation.revision_of_id)
        else:
            original = None
        row = Innovation.objects.select_for_update().get(pk=innovation.pk)
        from_status = row.status
        before = field_values(row, TRANSITION_FIELDS)
        now = timezone.now()
        update_fields = ["status", "updated_at"]
        reason = ""
        note, note_values = "", {}

        if action == SUBMIT:
            _require_state(row, action)
            missing = missing_for_submission(row)
            if missing:
                raise ValidationError(
                    {
                        name: [_("%(field)s is needed before you can submit.") % {"field": label}]
                        for name, label in missing.items()
                    }
                )
            row.status = Status.SUBMITTED
            row.submitted_at = now
            row.assigned_reviewer = None
            update_fields += ["submitted_at", "assigned_reviewer"]

        elif action == CLAIM:
            awaiting_approval = row.status == Status.IN_REVIEW and row.assigned_reviewer_id is None
            if not awaiting_approval:
                if row.status == Status.IN_REVIEW:
                    raise TransitionNotAllowed(
                        _("Another reviewer has already claimed this innovation.")
                        if row.assigned_reviewer_id != user.pk
                        else _("You have already claimed this innovation.")
                    )
                _require_state(row, action)
            if _has_approved_in_round(row, user):
                raise PermissionDenied(_already_approved_message())
            row.status = Status.IN_REVIEW
            row.assigned_reviewer = user
            update_fields.append("assigned_reviewer")

        elif action in DECISIONS:
            _require_state(row, action)
            if not claim_allows_decision(user, row):
                raise TransitionNotAllowed(_("Another reviewer has claimed this innovation."))
            if action == APPROVE and _has_approved_in_round(row, user):
                raise PermissionDenied(_already_approved_message())
            review = Review.objects.create(
                innovation=row,
                reviewer=user,
                decision=action,
                feedback=feedback,
                internal_note=internal_note,
                **scores,
            )
            audit_record(
                actor=user,
                action="review.create",
                obj=review,
                changes=created_values(field_values(review, REVIEW_FIELDS)),
            )
            reason = feedback
            row.assigned_reviewer = None
            update_fields.append("assigned_reviewer")
            if action == APPROVE:
                approvals = current_round_reviews(row).filter(decision=Decision.APPROVE).count()
                if approvals >= required_approvals():
                    row.status = Status.APPROVED
                    row.published_at = now
                    update_fields.append("published_at")
                    if original is not None:
                        _publish_revision(revision=row, original=original, user=user, now=now)
                        # A substantive edit had the full review: a new approval period.
                        renewed = vetting.approval_renew(original, today=today)
                        original.save(update_fields=[*renewed, "updated_at"])
                    else:
                        update_fields += vetting.approval_renew(row, today=today)
                # else: stays in_review, unassigned, until enough reviewers have approved.
            else:
                row.status = TRANSITIONS[action][1]

        elif action == WITHDRAW:
            if row.revision_of_id:
                if row.status not in REVISION_WITHDRAW_FROM:
                    raise TransitionNotAllowed(_not_allowed_message(row, action))
            else:
                _require_state(row, action)
                for revision in Innovation.objects.select_for_update().filter(
                    revision_of=row, status__in=OPEN_STATES
                ):
                    _withdraw_with_original(revision=revision, user=user)
            row.status = Status.WITHDRAWN
            row.assigned_reviewer = None
            update_fields.append("assigned_reviewer")

        elif action in vetting.ACTIONS:
            _changed, note_values = vetting.apply(row, action, today=today)
            note, reason = vetting.history_note(action), feedback

        row.save(update_fields=update_fields)
        change = StatusChange.objects.create(
            innovation=row,
            actor=user,
            from_status=from_status,
            to_status=row.status,
            reason=reason,
            system_note=note,
            system_note_values=note_values,
        )
        audit_record(
            actor=user,
            action=f"innovation.{action}",
            obj=row,
            changes=changed_values(before, field_values(row, TRANSITION_FIELDS)),
        )
        if notify and action in vetting.ACTIONS:
            vetting.schedule_mails(change, row, action)
        elif notify:
            _schedule_mails(change, row)
        if Status.APPROVED in (from_status, row.status):
            # Published, withdrawn, or a revision copied onto the published original.
            caching.bump_data_version(caching.CATALOGUE)
    return row


def _already_approved_message() -> str:
    return _(
        "You have already approved this innovation; another reviewer must give the next approval."
    )


def _require_state(row: Innovation, action: str) -> None:
    allowed_from, _to = TRANSITIONS[action]
    if row.status not in allowed_from:
        raise TransitionNotAllowed(_not_allowed_message(row, action))


def _not_allowed_message(row: Innovation, action: str) -> str:
    if action in DECISIONS and row.status == Status.SUBMITTED:
        return _("Claim this innovation before you decide on it.")
    labels = {
        SUBMIT: _("submit"),
        CLAIM: _("claim"),
        APPROVE: _("approve"),
        REQUEST_CHANGES: _("request changes for"),
        REJECT: _("reject"),
        WITHDRAW: _("withdraw"),
    }
    return _(
        "You cannot %(action)s this innovation: its status is “%(status)s”. It may just have "
        "been changed by someone else; reload the page to see its current state."
    ) % {"action": labels[action], "status": Status(row.status).label}


def _has_approved_in_round(row: Innovation, user: AbstractBaseUser) -> bool:
    if row.status != Status.IN_REVIEW:
        return False
    return (
        current_round_reviews(row).filter(decision=Decision.APPROVE, reviewer_id=user.pk).exists()
    )


def _clean_decision(action, scores, feedback, internal_note):
    errors = {}
    scores = scores or {}
    cleaned = {}
    score_errors = []
    for name in SCORE_FIELDS:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            score_errors.append(name)
        else:
            cleaned[name] = value
    if score_errors:
        errors["scores"] = [
            _("Give each score as a whole number from 1 to 5: %(names)s.")
            % {"names": ", ".join(score_errors)}
        ]
    feedback = (feedback or "").strip()
    internal_note = (internal_note or "").strip()
    if action == REQUEST_CHANGES and not feedback:
        errors["feedback"] = [_("Tell the supplier what to change.")]
    if action == REJECT and not feedback:
        errors["feedback"] = [_("Give the supplier the reason for the rejection.")]
    if len(feedback) > FEEDBACK_MAX_LENGTH:
        errors["feedback"] = [_("Keep the feedback under 5000 characters.")]
    if len(internal_note) > FEEDBACK_MAX_LENGTH:
        errors["internal_note"] = [_("Keep the internal note under 5000 characters.")]
    if errors:
        raise ValidationError(errors)
    return cleaned, feedback, internal_note


CONTENT_FIELDS = (
    "title",
    "summary",
    "description",
    "route",
    "maturity",
    "price_indication",
    "evidence",
    "references",
    "contact_name",
    "contact_email",
)


def _publish_revision(*, revision: Innovation, original: Innovation, user, now) -> None:
    """Copy an approved revision's content and domains onto the published original; its
    slug and first publication date stay, so links to it keep working."""
    before = {
        **field_values(original, CONTENT_FIELDS),
        "domains": sorted(original.domains.values_list("code", flat=True)),
    }
    for name in CONTENT_FIELDS:
        setattr(original, name, getattr(revision, name))
    original.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    new_domains = sorted(revision.domains.values_list("code", flat=True))
    innovation_domains_set(innovation=original, codes=new_domains)
    audit_record(
        actor=user,
        action="innovation.publish_revision",
        obj=original,
        changes={
            "revision": [None, revision.pk],
            **changed_values(
                before, {**field_values(original, CONTENT_FIELDS), "domains": new_domains}
            ),
        },
    )
    StatusChange.objects.create(
        innovation=original,
        actor=user,
        from_status=original.status,
        to_status=original.status,
        system_note=gettext_noop("Changes of revision #%(id)s published."),
        system_note_values={"id": revision.pk},
    )


def _withdraw_with_original(*, revision: Innovation, user) -> None:
    from_status = revision.status
    before = field_values(revision, TRANSITION_FIELDS)
    revision.status = Status.WITHDRAWN
    revision.assigned_reviewer = None
    revision.save(update_fields=["status", "assigned_reviewer", "updated_at"])
    audit_record(
        actor=user,
        action="innovation.withdraw",
        obj=revision,
        changes=changed_values(before, field_values(revision, TRANSITION_FIELDS)),
    )
    StatusChange.objects.create(
        innovation=revision,
        actor=user,
        from_status=from_status,
        to_status=Status.WITHDRAWN,
        system_note=gettext_noop("Withdrawn together with the published innovation."),
    )


# --- Mail -----------------------------------------------------------------------------------


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


def _schedule_mails(change: StatusChange, innovation: Innovation) -> None:
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
