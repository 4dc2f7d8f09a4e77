"""A municipality's evaluation of an adoption: what it learned, failed pilots included."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record, changed_values, field_values

from .access import require_act_for
from .adoption_rules import EVALUATION_FIELDS
from .enums import GoalsMet
from .models import Adoption, Evaluation


@transaction.atomic
def evaluation_save(
    *,
    user: AbstractBaseUser,
    adoption: Adoption,
    goals_met: str,
    lessons_learned: str,
    would_recommend: bool,
) -> Evaluation:
    """Add or replace the municipality's evaluation of an adoption. Other municipalities
    read it on the innovation page once the adoption is verified."""
    require_act_for(user, adoption.municipality)
    errors = {}
    if goals_met not in GoalsMet.values:
        errors["goals_met"] = _("Choose one of: %(values)s.") % {
            "values": ", ".join(GoalsMet.values)
        }
    if not lessons_learned.strip():
        errors["lessons_learned"] = _("Describe what you learned.")
    if errors:
        raise ValidationError(errors)
    existing = Evaluation.objects.select_for_update().filter(adoption=adoption).first()
    before = field_values(existing, EVALUATION_FIELDS) if existing else {}
    evaluation, _created = Evaluation.objects.update_or_create(
        adoption=adoption,
        defaults={
            "goals_met": goals_met,
            "lessons_learned": lessons_learned.strip(),
            "would_recommend": would_recommend,
        },
    )
    audit_record(
        actor=user,
        action="adoption.evaluate",
        obj=evaluation,
        changes=changed_values(before, field_values(evaluation, EVALUATION_FIELDS)),
    )
    return evaluation
