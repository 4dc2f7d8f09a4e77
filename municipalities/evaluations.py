"""A municipality's evaluation of an adoption: what it learned, failed pilots included."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_changes

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
    # The adoption's row is the lock: two first evaluations at once do not both insert.
    Adoption.objects.select_for_update().only("pk").get(pk=adoption.pk)
    evaluation = Evaluation.objects.filter(adoption=adoption).first() or Evaluation(
        adoption=adoption
    )
    with audit_changes(
        actor=user, action="adoption.evaluate", obj=evaluation, fields=EVALUATION_FIELDS
    ):
        evaluation.goals_met = goals_met
        evaluation.lessons_learned = lessons_learned.strip()
        evaluation.would_recommend = would_recommend
        evaluation.save()
    return evaluation
