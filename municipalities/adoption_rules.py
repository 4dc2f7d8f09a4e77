"""The rules of an adoption's state (DESIGN.md, Adoption changes): valid dates, stages
that move forward only, dates that never go back; and what the audit log records."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .enums import Stage, Verification
from .models import Adoption

# Koploper records the innovation wave that started around the turn of the century; an
# earlier start date is a typing error, not history.
EARLIEST_START = datetime.date(2000, 1, 1)

# The verification workflow of a claim (a new adoption, or a claimed change of a verified
# one): the only transitions a reviewer can make.
VERIFICATION_TRANSITIONS = {
    Verification.CLAIMED: {Verification.VERIFIED, Verification.REJECTED},
}
VERIFY_DECISIONS = {"verify": Verification.VERIFIED, "reject": Verification.REJECTED}

# Stages move forward only (DESIGN.md, Adoption changes): pilot → implemented → scaled, and
# any stage → ended. Staying in a stage (a corrected date or evidence) is no move.
STAGE_MOVES = {
    Stage.PILOT: {Stage.PILOT, Stage.IMPLEMENTED, Stage.ENDED},
    Stage.IMPLEMENTED: {Stage.IMPLEMENTED, Stage.SCALED, Stage.ENDED},
    Stage.SCALED: {Stage.SCALED, Stage.ENDED},
    Stage.ENDED: {Stage.ENDED},
}
# The fields of a verified state that a buyer's change claims (the contact is not checked).
STATE_FIELDS = ("stage", "started_on", "stage_since", "evidence_reference", "evidence_description")


# What the audit log records of an adoption, its claimed changes and its evaluation.
ADOPTION_FIELDS = (
    "municipality",
    "innovation",
    "stage",
    "started_on",
    "stage_since",
    "evidence_reference",
    "evidence_description",
    "contact_name",
    "contact_email",
    "verification",
    "verified_by",
    "verified_at",
    "verification_note",
)
CHANGE_FIELDS = (*STATE_FIELDS, "status", "decided_by", "decided_at", "note")
EVALUATION_FIELDS = ("adoption", "goals_met", "lessons_learned", "would_recommend")


def _rule(message: str) -> ValidationError:
    """An error of a rule of the domain, not of the value's form (the API's 422: no schema
    can state a date relative to today or to another field)."""
    return ValidationError(message, code="rule")


def validate_adoption(
    *, stage: str, started_on: datetime.date, stage_since: datetime.date
) -> dict[str, str | ValidationError]:
    today = timezone.localdate()
    errors = {}
    if stage not in Stage.values:
        errors["stage"] = _("Choose one of: %(stages)s.") % {"stages": ", ".join(Stage.values)}
    if started_on < EARLIEST_START:
        errors["started_on"] = _rule(_("The start date cannot be before 1 January 2000."))
    elif started_on > today:
        errors["started_on"] = _rule(_("The start date cannot be in the future."))
    if "started_on" in errors:
        pass  # the stage's date is judged against a valid start date only
    elif stage_since > today:
        errors["stage_since"] = _rule(_("The date of the current stage cannot be in the future."))
    elif stage_since < started_on:
        errors["stage_since"] = _rule(
            _("The current stage cannot have started before the adoption.")
        )
    return errors


def _previous_stage_date(adoption: Adoption) -> datetime.date | None:
    """When the verified stage before the current one began (None in the first stage)."""
    previous = (
        adoption.stage_changes.exclude(to_stage=adoption.stage)
        .order_by("-created_at", "-id")
        .first()
    )
    return previous.stage_since if previous else None


def validate_move(*, verified: Adoption, proposed: dict) -> dict[str, ValidationError]:
    """A change of a verified adoption: the stage moves forward only, its date never goes
    back, and the start stays before every later stage."""
    errors = {}
    current, new = verified.stage, proposed["stage"]
    if new in Stage.values and new not in STAGE_MOVES[current]:
        errors["stage"] = _rule(
            _(
                "An adoption only moves forward: from pilot to implemented, from implemented "
                "to scaled up, and from any stage to ended. It is %(stage)s now."
            )
            % {"stage": Stage(current).label.lower()}
        )
    elif new != current and proposed["stage_since"] < verified.stage_since:
        errors["stage_since"] = _rule(
            _("The new stage cannot begin before the current one did (%(date)s).")
            % {"date": date_format(verified.stage_since)}
        )
    elif new == current and proposed["stage_since"] < verified.stage_since:
        # A corrected date of the current stage: not before the stage before it (in the
        # first stage the start date bounds it, see _validate_adoption).
        earliest = _previous_stage_date(verified)
        if earliest is not None and proposed["stage_since"] < earliest:
            errors["stage_since"] = _rule(
                _("This stage cannot begin before the stage before it did (%(date)s).")
                % {"date": date_format(earliest)}
            )
    return errors
