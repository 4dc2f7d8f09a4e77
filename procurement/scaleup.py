"""Pilots that scale: a buyer's scale-up plan for a pilot, which pilots are due for a
decision, and the reminders to their buyers.

A pilot is due for a decision when the decision date of its plan has come, or when it has
been a pilot for more than KOPLOPER_PILOT_DECISION_MONTHS without an evaluation or a next
stage (and no plan puts the decision later). A next stage waiting for verification counts
as a decision taken. The daily beat task mails the buyers of every pilot that is due, at
most once per KOPLOPER_PILOT_REMINDER_DAYS: the reminder is claimed by one conditional
UPDATE of its PilotReminder row, so re-running the task, or two at once, sends nothing twice."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import audit_changes
from core.exceptions import TransitionNotAllowed
from core.mail import absolute_url, recipient_language, send_templated_mail
from municipalities.enums import MembershipStatus, Stage, Verification
from municipalities.models import Adoption, AdoptionChange, Evaluation, Municipality

from .access import may_plan
from .models import PilotReminder, ProcurementRoute, ScaleUpPlan

GOAL_MAX, CRITERIA_MAX, BUDGET_MAX, PARTNERS_MAX = 2000, 3000, 300, 2000
# A decision further ahead than this is not a plan but a typo.
DECISION_HORIZON_YEARS = 10
PLAN_FIELDS = ("goal", "success_criteria", "decision_on", "budget", "route", "partners")

# Why a pilot is due, shown on the dashboard and in the mail.
DECISION_DATE_PASSED = "decision_date"
PILOT_TOO_LONG = "too_long"


def decision_months() -> int:
    return max(1, int(settings.KOPLOPER_PILOT_DECISION_MONTHS))


def reminder_days() -> int:
    return max(1, int(settings.KOPLOPER_PILOT_REMINDER_DAYS))


# --- The plan ---------------------------------------------------------------------------


def _text(value, *, field: str, required: bool, limit: int, errors: dict) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [
            _("Keep this under %(limit)s characters (it has %(length)s).")
            % {"limit": limit, "length": len(value)}
        ]
    return value


def scale_up_plan_save(
    *,
    user: AbstractBaseUser,
    adoption: Adoption,
    goal: str,
    success_criteria: str,
    decision_on: datetime.date | None,
    budget: str = "",
    route: ProcurementRoute | None = None,
    partners: str = "",
) -> ScaleUpPlan:
    """Write the scale-up plan of a pilot (create it, or change it). Raises PermissionDenied
    (not a buyer of its municipality), ValidationError (input, naming the field: a decision
    date before the pilot started, or absurdly far ahead) or TransitionNotAllowed (the
    adoption is no longer a pilot: 409). Nothing is stored when it raises."""
    if not may_plan(user, adoption):
        raise PermissionDenied(
            _("Only buyers of %(name)s may do this.") % {"name": adoption.municipality}
        )
    errors: dict = {}
    goal = _text(goal, field="goal", required=True, limit=GOAL_MAX, errors=errors)
    success_criteria = _text(
        success_criteria,
        field="success_criteria",
        required=True,
        limit=CRITERIA_MAX,
        errors=errors,
    )
    budget = _text(budget, field="budget", required=False, limit=BUDGET_MAX, errors=errors)
    partners = _text(partners, field="partners", required=False, limit=PARTNERS_MAX, errors=errors)
    if decision_on is None:
        errors["decision_on"] = [_("This field is required.")]
    elif decision_on < adoption.started_on:
        # Rules of the plan (code "rule": the API's 422), not of the date's form.
        errors["decision_on"] = [
            ValidationError(
                _("The decision date cannot be before the pilot started (%(date)s).")
                % {"date": _date(adoption.started_on)},
                code="rule",
            )
        ]
    elif decision_on > adoption.started_on + relativedelta(years=DECISION_HORIZON_YEARS):
        errors["decision_on"] = [
            ValidationError(
                _("Choose a decision date within %(years)s years of the start of the pilot.")
                % {"years": DECISION_HORIZON_YEARS},
                code="rule",
            )
        ]
    if route is not None and not route.is_active:
        errors["route"] = [_("Choose one of the procurement routes shown.")]
    if errors:
        raise ValidationError(errors)
    values = {
        "goal": goal,
        "success_criteria": success_criteria,
        "decision_on": decision_on,
        "budget": budget,
        "route": route,
        "partners": partners,
        "updated_by": user,
    }
    with transaction.atomic():
        locked = Adoption.objects.select_for_update().get(pk=adoption.pk)
        if locked.stage != Stage.PILOT:
            raise TransitionNotAllowed(
                _("This adoption is no longer a pilot; its scale-up plan can no longer change.")
            )
        plan = ScaleUpPlan.objects.filter(adoption=locked).first() or ScaleUpPlan(adoption=locked)
        with audit_changes(actor=user, action="scale_up_plan.save", obj=plan, fields=PLAN_FIELDS):
            for name, value in values.items():
                setattr(plan, name, value)
            plan.save()
    return plan


def _date(value: datetime.date) -> str:
    return date_format(value)


# --- Which pilots are due ---------------------------------------------------------------


def pilots_due(
    *, today: datetime.date | None = None, municipality: Municipality | None = None
) -> QuerySet[Adoption]:
    """Pilots due for a decision (see the module docstring), oldest first, each annotated
    with `due_reason` read by due_reason()."""
    today = today or timezone.localdate()
    too_old = today - relativedelta(months=decision_months())
    plans = ScaleUpPlan.objects.filter(adoption=OuterRef("pk"))
    waiting = AdoptionChange.objects.filter(adoption=OuterRef("pk"), status=Verification.CLAIMED)
    evaluated = Evaluation.objects.filter(adoption=OuterRef("pk"))
    queryset = (
        Adoption.objects.filter(stage=Stage.PILOT)
        .exclude(verification=Verification.REJECTED)
        .annotate(
            plan_passed=Exists(plans.filter(decision_on__lte=today)),
            plan_later=Exists(plans.filter(decision_on__gt=today)),
            has_waiting=Exists(waiting),
            has_evaluation=Exists(evaluated),
        )
        .filter(has_waiting=False)
        .filter(
            Q(plan_passed=True)
            | Q(plan_later=False, has_evaluation=False, stage_since__lte=too_old)
        )
        .select_related("municipality", "innovation", "scale_up_plan")
        .order_by("stage_since", "id")
    )
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return queryset


def due_reason(adoption: Adoption) -> str:
    return DECISION_DATE_PASSED if adoption.plan_passed else PILOT_TOO_LONG


def due_text(adoption: Adoption) -> str:
    """Why the pilot is due, in the active language."""
    if due_reason(adoption) == DECISION_DATE_PASSED:
        return _("The decision date of its scale-up plan (%(date)s) has come.") % {
            "date": _date(adoption.scale_up_plan.decision_on)
        }
    return _(
        "It has been a pilot since %(date)s, more than %(months)s months, without an "
        "evaluation or a next stage."
    ) % {"date": _date(adoption.stage_since), "months": decision_months()}


# --- Reminders ----------------------------------------------------------------------------


def buyers_to_remind(municipality_id: int) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            buyer_membership__municipality_id=municipality_id,
            buyer_membership__status=MembershipStatus.APPROVED,
        )
        .exclude(email="")
    )


def pilot_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the buyers of every pilot due for a decision, at most once per period;
    returns how many pilots were reminded. Safe to re-run and to run twice at once."""
    from .tasks import send_pilot_reminder  # tasks imports this module

    today = today or timezone.localdate()
    due = list(pilots_due(today=today).values_list("pk", "municipality_id"))
    PilotReminder.objects.bulk_create(
        [PilotReminder(adoption_id=pk) for pk, _municipality in due], ignore_conflicts=True
    )
    last_allowed = today - datetime.timedelta(days=reminder_days())
    reminded = 0
    for adoption_id, municipality_id in due:
        with transaction.atomic():
            claimed = (
                PilotReminder.objects.filter(adoption_id=adoption_id)
                .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lte=last_allowed))
                .update(last_sent_on=today, count=F("count") + 1)
            )
            if not claimed:
                continue
            for user_id in buyers_to_remind(municipality_id).values_list("pk", flat=True):
                mail_on_commit(send_pilot_reminder, adoption_id=adoption_id, user_id=user_id)
        reminded += 1
    return reminded


def pilot_reminder_notify(*, adoption: Adoption, user: AbstractBaseUser) -> None:
    """Mail one buyer that a pilot is due for a decision, in the buyer's language."""
    due = pilots_due(municipality=adoption.municipality).filter(pk=adoption.pk).first()
    if due is None:
        return  # decided meanwhile: nothing to remind of
    with translation.override(recipient_language(user)):
        context = {
            "adoption": due,
            "reason": due_text(due),
            "days": reminder_days(),
            "url": absolute_url(reverse("procurement:plan", args=[due.pk])),
        }
    send_templated_mail(user=user, template="emails/pilot_reminder", context=context)
