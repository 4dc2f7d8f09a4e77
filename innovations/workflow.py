"""The review workflow: the allowed transitions, one function per transition, and the one
wrapper (innovation_transition) that every transition goes through: it asks
innovations.access who may, locks the row, and writes the history, the audit entry, the
mails (innovations.notifications) and the cache refresh.

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

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_changes, audit_record, created_values, field_values
from core import caching
from core.exceptions import TransitionNotAllowed

from . import vetting
from .access import claim_allows_decision, require_reviewer_of, require_supplier_member
from .enums import Decision, Status
from .models import Innovation, Review, StatusChange
from .notifications import schedule_status_mails
from .reviews import REVIEW_FIELDS, clean_decision
from .revisions import revision_publish
from .selectors import current_round_reviews, missing_for_submission

__all__ = ["TransitionNotAllowed", "innovation_transition"]

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
# state it leads to. Two refinements live in the transition functions: an approval short of
# the required number keeps the innovation in_review (unassigned, _decide), and a claim
# also takes an unassigned in_review innovation that awaits a further approval (_claim).
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

# What the audit log records of a transition.
TRANSITION_FIELDS = (
    "status",
    "assigned_reviewer",
    "submitted_at",
    "published_at",
    "approved_until",
    "reconfirmation",
)


def required_approvals() -> int:
    return max(1, int(getattr(settings, "KOPLOPER_REQUIRED_APPROVALS", 1)))


# --- The transitions: one function each, behind one wrapper ---------------------------------


@dataclass(frozen=True)
class Act:
    """One workflow action as the wrapper hands it to its transition function: who (None:
    the system), when, and for a decision the cleaned scores and texts. `original` is the
    locked published innovation when the row is a revision of it."""

    action: str
    user: AbstractBaseUser | None
    now: datetime.datetime
    today: datetime.date
    original: Innovation | None = None
    scores: dict[str, int] = field(default_factory=dict)
    feedback: str = ""
    internal_note: str = ""


@dataclass
class Outcome:
    """What a transition function did besides changing TRANSITION_FIELDS on the row: the
    reason and the system note the history records, and further fields it changed."""

    reason: str = ""
    note: str = ""
    note_values: dict = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)


def _submit(row: Innovation, act: Act) -> Outcome:
    _require_state(row, act.action)
    missing = missing_for_submission(row)
    if missing:
        raise ValidationError(
            {
                name: [_("%(field)s is needed before you can submit.") % {"field": label}]
                for name, label in missing.items()
            }
        )
    row.status = Status.SUBMITTED
    row.submitted_at = act.now
    row.assigned_reviewer = None
    return Outcome()


def _claim(row: Innovation, act: Act) -> Outcome:
    """Also takes an unassigned in_review innovation that awaits a further approval."""
    awaiting_approval = row.status == Status.IN_REVIEW and row.assigned_reviewer_id is None
    if not awaiting_approval:
        if row.status == Status.IN_REVIEW:
            raise TransitionNotAllowed(
                _("Another reviewer has already claimed this innovation.")
                if row.assigned_reviewer_id != act.user.pk
                else _("You have already claimed this innovation.")
            )
        _require_state(row, act.action)
    if _has_approved_in_round(row, act.user):
        raise PermissionDenied(_already_approved_message())
    row.status = Status.IN_REVIEW
    row.assigned_reviewer = act.user
    return Outcome()


def _decide(row: Innovation, act: Act) -> Outcome:
    """Approve, request changes or reject: a Review with the rubric scores. An approval
    short of the required number keeps the innovation in_review, unassigned."""
    _require_state(row, act.action)
    if not claim_allows_decision(act.user, row):
        raise TransitionNotAllowed(_("Another reviewer has claimed this innovation."))
    if act.action == APPROVE and _has_approved_in_round(row, act.user):
        raise PermissionDenied(_already_approved_message())
    review = Review.objects.create(
        innovation=row,
        reviewer=act.user,
        decision=act.action,
        feedback=act.feedback,
        internal_note=act.internal_note,
        **act.scores,
    )
    audit_record(
        actor=act.user,
        action="review.create",
        obj=review,
        changes=created_values(field_values(review, REVIEW_FIELDS)),
    )
    row.assigned_reviewer = None
    if act.action != APPROVE:
        row.status = TRANSITIONS[act.action][1]
        return Outcome(reason=act.feedback)
    approvals = current_round_reviews(row).filter(decision=Decision.APPROVE).count()
    if approvals < required_approvals():
        return Outcome(reason=act.feedback)  # stays in_review, unassigned, for the next one
    row.status = Status.APPROVED
    row.published_at = act.now
    if act.original is None:
        return Outcome(reason=act.feedback, fields=vetting.approval_renew(row, today=act.today))
    revision_publish(revision=row, original=act.original, user=act.user)
    # A substantive edit had the full review: a new approval period.
    renewed = vetting.approval_renew(act.original, today=act.today)
    act.original.save(update_fields=[*renewed, "updated_at"])
    return Outcome(reason=act.feedback)


def _withdraw(row: Innovation, act: Act) -> Outcome:
    """An approved innovation leaves the catalogue, with its pending revision; a pending
    revision (not published) is dropped from any open state."""
    if row.revision_of_id:
        if row.status not in REVISION_WITHDRAW_FROM:
            raise TransitionNotAllowed(_not_allowed_message(row, act.action))
    else:
        _require_state(row, act.action)
        for revision in Innovation.objects.select_for_update().filter(
            revision_of=row, status__in=OPEN_STATES
        ):
            _withdraw_with_original(revision=revision, user=act.user)
    row.status = Status.WITHDRAWN
    row.assigned_reviewer = None
    return Outcome()


def _reconfirmation(row: Innovation, act: Act) -> Outcome:
    """A reconfirmation action (vetting.ACTIONS): the approved innovation's
    `reconfirmation` changes, its status stays."""
    changed, note_values = vetting.apply(row, act.action, today=act.today)
    return Outcome(
        reason=act.feedback,
        note=vetting.history_note(act.action),
        note_values=note_values,
        fields=changed,
    )


# Each action's function: checks the state, changes the locked row, and says what the
# history records. The wrapper does everything around it.
PERFORM: dict[str, Callable[[Innovation, Act], Outcome]] = {
    SUBMIT: _submit,
    CLAIM: _claim,
    APPROVE: _decide,
    REQUEST_CHANGES: _decide,
    REJECT: _decide,
    WITHDRAW: _withdraw,
    **{action: _reconfirmation for action in vetting.ACTIONS},
}


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
    (input, naming the field) or TransitionNotAllowed (state).

    The reconfirmation actions (vetting.ACTIONS) change an approved innovation's
    `reconfirmation` and keep its status: expire (the system, `user` None, on `today`),
    confirm_current (its supplier), reconfirm and reconfirm_request_changes (reviewers,
    the latter with feedback).

    The one wrapper of every transition: it checks who may (innovations.access), locks the
    row (so of two simultaneous actions the second sees the first one's result), runs the
    action's function of PERFORM, saves, appends a StatusChange, writes the audit entry,
    schedules the mails (through the outbox, after commit) and refreshes the catalogue's
    cache when what it shows changed."""
    if action not in PERFORM:
        raise ValueError(f"unknown action {action!r}")
    if (user is None) != (action in SYSTEM_ACTIONS):
        # The system's actions are taken by the daily job, never by a person.
        raise PermissionDenied(_("Nobody can do this by hand."))
    if action in SUPPLIER_ACTIONS:
        require_supplier_member(user, innovation)
    if action in REVIEWER_ACTIONS:
        require_reviewer_of(user, innovation)
    decision = {}
    if action in DECISIONS:
        scores, feedback, internal_note = clean_decision(action, scores, feedback, internal_note)
        decision = {"scores": scores, "feedback": feedback, "internal_note": internal_note}
    if action in vetting.ACTIONS:
        decision = {"feedback": vetting.clean_feedback(action, feedback)}
    today = today or timezone.localdate()

    with transaction.atomic():
        # Lock the published original before its revision, everywhere, so that a withdrawal
        # and a revision's approval cannot deadlock.
        original = None
        if innovation.revision_of_id:
            original = Innovation.objects.select_for_update().get(pk=innovation.revision_of_id)
        row = Innovation.objects.select_for_update().get(pk=innovation.pk)
        from_status = row.status
        act = Act(
            action=action,
            user=user,
            now=timezone.now(),
            today=today,
            original=original,
            **decision,
        )
        with audit_changes(
            actor=user, action=f"innovation.{action}", obj=row, fields=TRANSITION_FIELDS
        ):
            outcome = PERFORM[action](row, act)
            fields = dict.fromkeys([*TRANSITION_FIELDS, *outcome.fields, "updated_at"])
            row.save(update_fields=list(fields))
            change = StatusChange.objects.create(
                innovation=row,
                actor=user,
                from_status=from_status,
                to_status=row.status,
                reason=outcome.reason,
                system_note=outcome.note,
                system_note_values=outcome.note_values,
            )
        if notify and action in vetting.ACTIONS:
            vetting.schedule_mails(change, row, action)
        elif notify:
            schedule_status_mails(change, row)
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


def _withdraw_with_original(*, revision: Innovation, user) -> None:
    from_status = revision.status
    with audit_changes(
        actor=user, action="innovation.withdraw", obj=revision, fields=TRANSITION_FIELDS
    ):
        revision.status = Status.WITHDRAWN
        revision.assigned_reviewer = None
        revision.save(update_fields=["status", "assigned_reviewer", "updated_at"])
    StatusChange.objects.create(
        innovation=revision,
        actor=user,
        from_status=from_status,
        to_status=Status.WITHDRAWN,
        system_note=gettext_noop("Withdrawn together with the published innovation."),
    )
