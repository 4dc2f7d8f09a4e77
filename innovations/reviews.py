"""A reviewer's decision on an innovation: what it records and how its input is checked.
The workflow (innovations.workflow) performs it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import Criterion, Decision

SCORE_FIELDS = tuple(Criterion.values)
# What the audit log records of a review.
REVIEW_FIELDS = ("innovation", "reviewer", "decision", *SCORE_FIELDS, "feedback", "internal_note")
FEEDBACK_MAX_LENGTH = 5000


def clean_decision(
    action: str, scores: dict | None, feedback: str, internal_note: str
) -> tuple[dict[str, int], str, str]:
    """A reviewer's decision as the workflow takes it: the four rubric scores (whole numbers
    1–5), the feedback for the supplier (needed to request changes or reject) and the
    internal note, stripped. Raises ValidationError naming each field to fix."""
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
    if action == Decision.REQUEST_CHANGES and not feedback:
        errors["feedback"] = [_("Tell the supplier what to change.")]
    if action == Decision.REJECT and not feedback:
        errors["feedback"] = [_("Give the supplier the reason for the rejection.")]
    if len(feedback) > FEEDBACK_MAX_LENGTH:
        errors["feedback"] = [_("Keep the feedback under 5000 characters.")]
    if len(internal_note) > FEEDBACK_MAX_LENGTH:
        errors["internal_note"] = [_("Keep the internal note under 5000 characters.")]
    if errors:
        raise ValidationError(errors)
    return cleaned, feedback, internal_note
