"""Vetting that expires: an approval holds for KOPLOPER_APPROVAL_MONTHS (default 24).

    valid ──expire──▶ due (to be reconfirmed) ──confirm_current──▶ confirmed
      ▲                  ▲                                            │
      └──reconfirm───────┼────────────────────────────────────────────┤
                         └──reconfirm_request_changes─────────────────┘

- Its supplier is reminded KOPLOPER_APPROVAL_REMINDER_DAYS (60 and 14) days before the end,
  each reminder once per approval period (the daily beat task claims it with a conditional
  UPDATE, so re-runs and simultaneous runs send nothing twice).
- At the end the innovation is *to be reconfirmed*: it stays approved, its page and its
  adopters stay, but it leaves the catalogue's default view and the suggestions
  (`Innovation.objects.current()`).
- Reconfirmation is a light review: the supplier confirms that the text is current; a
  reviewer who does not belong to the supplier confirms (a new period starts) or asks for
  changes (back to due, with feedback). A substantive edit is a revision with the full
  review, as before; its approval starts a new period too.

Every one of these changes is an action of workflow.innovation_transition, the one
transition function, which records it in the history; this module holds the rules it
applies, the beat job, and the mails."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from core.exceptions import TransitionNotAllowed
from core.mail import absolute_url, recipient_language, send_templated_mail

from .enums import VETTING_NOTES, Reconfirmation, Status
from .models import Innovation, StatusChange

EXPIRE = "expire"
CONFIRM_CURRENT = "confirm_current"
RECONFIRM = "reconfirm"
RECONFIRM_CHANGES = "reconfirm_request_changes"
# action → (the reconfirmation states it starts from, the one it leads to)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    EXPIRE: (frozenset({Reconfirmation.CURRENT}), Reconfirmation.DUE),
    CONFIRM_CURRENT: (frozenset({Reconfirmation.DUE}), Reconfirmation.CONFIRMED),
    RECONFIRM: (frozenset({Reconfirmation.CONFIRMED}), Reconfirmation.CURRENT),
    RECONFIRM_CHANGES: (frozenset({Reconfirmation.CONFIRMED}), Reconfirmation.DUE),
}
NOTES = VETTING_NOTES
FEEDBACK_MAX_LENGTH = 5000


def approval_months() -> int:
    return max(1, int(settings.KOPLOPER_APPROVAL_MONTHS))


def reminder_days() -> list[int]:
    return sorted({int(days) for days in settings.KOPLOPER_APPROVAL_REMINDER_DAYS if days > 0})


def valid_until(start: datetime.date) -> datetime.date:
    return start + relativedelta(months=approval_months())


def approval_renew(row: Innovation, *, today: datetime.date) -> list[str]:
    """A new approval period from `today` (an approval, a revision's approval, a
    reconfirmation). Returns the fields it changed."""
    row.approved_until = valid_until(today)
    row.reconfirmation = Reconfirmation.CURRENT
    row.expiry_reminded_days = None
    return ["approved_until", "reconfirmation", "expiry_reminded_days"]


def apply(row: Innovation, action: str, *, today: datetime.date) -> tuple[list[str], dict]:
    """Apply a reconfirmation action to the locked, approved original `row` with one
    conditional UPDATE on the state it starts from: of two simultaneous reconfirmations
    one changes the row, the other raises TransitionNotAllowed (409), on SQLite as on
    PostgreSQL. Returns the fields changed and the history note's values."""
    allowed_from, to_state = ACTIONS[action]
    published = row.status == Status.APPROVED and row.revision_of_id is None
    if not published or row.reconfirmation not in allowed_from:
        raise TransitionNotAllowed(not_allowed_message(row, action))
    if action == EXPIRE and (row.approved_until is None or row.approved_until >= today):
        raise TransitionNotAllowed(_("This approval has not ended yet."))
    values: dict = {"reconfirmation": to_state}
    note_values: dict = {}
    if action == EXPIRE:
        note_values = {"date": row.approved_until.isoformat()}
    if action == RECONFIRM:
        values.update(
            approved_until=valid_until(today), reconfirmation="", expiry_reminded_days=None
        )
        note_values = {"date": values["approved_until"].isoformat()}
    updated = Innovation.objects.filter(
        pk=row.pk, reconfirmation__in=allowed_from, status=Status.APPROVED
    ).update(**values)
    if not updated:
        row.refresh_from_db(fields=["reconfirmation"])
        raise TransitionNotAllowed(not_allowed_message(row, action))
    for name, value in values.items():
        setattr(row, name, value)
    return list(values), note_values


def not_allowed_message(row: Innovation, action: str) -> str:
    if row.status != Status.APPROVED or row.revision_of_id is not None:
        return _("Only a published innovation is reconfirmed.")
    if action in (RECONFIRM, RECONFIRM_CHANGES) and row.reconfirmation == Reconfirmation.DUE:
        return _(
            "The supplier has not confirmed the text yet, or another reviewer has just "
            "asked for changes. Reload the page."
        )
    if action in (RECONFIRM, RECONFIRM_CHANGES) and row.reconfirmation == "":
        return _("This innovation has just been reconfirmed by another reviewer. Reload the page.")
    if action == CONFIRM_CURRENT and row.reconfirmation == Reconfirmation.CONFIRMED:
        return _("You have already confirmed the text; a reviewer will reconfirm it.")
    if action == CONFIRM_CURRENT:
        return _("The approval of this innovation has not ended: there is nothing to confirm.")
    return _("This innovation cannot be reconfirmed in its current state. Reload the page.")


def clean_feedback(action: str, feedback: str) -> str:
    from django.core.exceptions import ValidationError

    feedback = (feedback or "").strip()
    if action == RECONFIRM_CHANGES and not feedback:
        raise ValidationError({"feedback": [_("Tell the supplier what to change.")]})
    if len(feedback) > FEEDBACK_MAX_LENGTH:
        raise ValidationError({"feedback": [_("Keep the feedback under 5000 characters.")]})
    return feedback


def history_note(action: str) -> str:
    return NOTES[action]


# --- The daily job ------------------------------------------------------------------------


def approvals_expire(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Remind the suppliers whose approval ends within a reminder's days (each reminder
    once per approval period; only the most urgent one when several are due), and mark
    every approval that ended before `today` to be reconfirmed. Returns (reminded,
    expired). Safe to re-run and to run twice at once."""
    from .workflow import innovation_transition

    today = today or timezone.localdate()
    reminded = 0
    for days in reminder_days():  # the most urgent first
        due = Innovation.objects.approved().filter(
            reconfirmation=Reconfirmation.CURRENT,
            approved_until__gte=today,
            approved_until__lte=today + datetime.timedelta(days=days),
        )
        not_yet = Q(expiry_reminded_days__isnull=True) | Q(expiry_reminded_days__gt=days)
        for pk in due.filter(not_yet).values_list("pk", flat=True):
            with transaction.atomic():
                claimed = (
                    Innovation.objects.filter(pk=pk)
                    .filter(not_yet)
                    .update(expiry_reminded_days=days)
                )
                if claimed:
                    _mail_suppliers(pk, kind="reminder")
                    reminded += 1
    expired = 0
    ended = Innovation.objects.approved().filter(
        reconfirmation=Reconfirmation.CURRENT, approved_until__lt=today
    )
    for innovation in ended.select_related("supplier"):
        try:
            innovation_transition(innovation=innovation, user=None, action=EXPIRE, today=today)
        except TransitionNotAllowed:
            continue  # another run, or a reconfirmation, got there first
        expired += 1
    return reminded, expired


# --- Mail -----------------------------------------------------------------------------------


def schedule_mails(change: StatusChange, innovation: Innovation, action: str) -> None:
    """After a reconfirmation action: its supplier hears of the end of the approval, of a
    reconfirmation and of a request for changes; reviewers of a supplier's confirmation."""
    from .notifications import reviewers_to_notify

    if action == CONFIRM_CURRENT:
        from .tasks import send_vetting_mail

        for user_id in reviewers_to_notify(innovation).values_list("pk", flat=True):
            mail_on_commit(send_vetting_mail, status_change_id=change.pk, user_id=user_id)
    else:
        _mail_suppliers(innovation.pk, kind="change", change_id=change.pk)


def _mail_suppliers(innovation_id: int, *, kind: str, change_id: int | None = None) -> None:
    from .notifications import supplier_members_to_notify
    from .tasks import send_approval_reminder, send_vetting_mail

    supplier_id = Innovation.objects.filter(pk=innovation_id).values_list("supplier_id", flat=True)
    for user_id in supplier_members_to_notify(supplier_id.get()).values_list("pk", flat=True):
        if kind == "reminder":
            mail_on_commit(send_approval_reminder, innovation_id=innovation_id, user_id=user_id)
        else:
            mail_on_commit(send_vetting_mail, status_change_id=change_id, user_id=user_id)


def approval_reminder_notify(*, innovation: Innovation, user) -> None:
    """Tell a member of the supplier that the approval ends soon, and how to keep it."""
    if innovation.reconfirmation != Reconfirmation.CURRENT or innovation.approved_until is None:
        return  # expired or reconfirmed meanwhile
    with translation.override(recipient_language(user)):
        context = {
            "innovation": innovation,
            "until": date_format(innovation.approved_until),
            "url": absolute_url(reverse("innovations:manage", args=[innovation.pk])),
        }
    send_templated_mail(user=user, template="emails/approval_reminder", context=context)


def vetting_change_notify(*, status_change: StatusChange, user) -> None:
    """A reconfirmation step, to a member of the supplier or (a supplier's confirmation)
    to a reviewer."""
    innovation = status_change.innovation
    to_reviewer = status_change.system_note == NOTES[CONFIRM_CURRENT]
    with translation.override(recipient_language(user)):
        name = "review:reconfirm" if to_reviewer else "innovations:manage"
        context = {
            "innovation": innovation,
            "change": status_change,
            "to_reviewer": to_reviewer,
            "url": absolute_url(reverse(name, args=[innovation.pk])),
        }
    send_templated_mail(user=user, template="emails/innovation_vetting", context=context)
