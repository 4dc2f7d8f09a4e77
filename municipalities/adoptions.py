"""Adoptions: a municipality records that it uses an innovation, a reviewer verifies it,
and the municipality evaluates it. Every write to adoptions and their evaluations."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import audit_record, changed_values, created_values, field_values
from innovations import caching
from innovations.exceptions import TransitionNotAllowed
from innovations.models import Innovation

from . import tasks
from .access import adoption_verify_conflict, can_verify_adoptions, require_act_for
from .adoption_facts import adoption_facts_refresh
from .enums import GoalsMet, Stage, Verification
from .models import Adoption, AdoptionStageChange, Evaluation, Municipality

# Koploper records the innovation wave that started around the turn of the century; an
# earlier start date is a typing error, not history.
EARLIEST_START = datetime.date(2000, 1, 1)

# The verification workflow: the only transitions a reviewer can make. Any change of stage
# or date by the buyer puts an adoption back to `claimed` (see adoption_update).
VERIFICATION_TRANSITIONS = {
    Verification.CLAIMED: {Verification.VERIFIED, Verification.REJECTED},
}
VERIFY_DECISIONS = {"verify": Verification.VERIFIED, "reject": Verification.REJECTED}


# What the audit log records of an adoption, its evaluation and a challenge.
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
EVALUATION_FIELDS = ("adoption", "goals_met", "lessons_learned", "would_recommend")


def _validate_adoption(
    *, stage: str, started_on: datetime.date, stage_since: datetime.date
) -> dict[str, str]:
    today = timezone.localdate()
    errors = {}
    if stage not in Stage.values:
        errors["stage"] = _("Choose one of: %(stages)s.") % {"stages": ", ".join(Stage.values)}
    if started_on < EARLIEST_START:
        errors["started_on"] = _("The start date cannot be before 1 January 2000.")
    elif started_on > today:
        errors["started_on"] = _("The start date cannot be in the future.")
    if "started_on" in errors:
        pass  # the stage's date is judged against a valid start date only
    elif stage_since > today:
        errors["stage_since"] = _("The date of the current stage cannot be in the future.")
    elif stage_since < started_on:
        errors["stage_since"] = _("The current stage cannot have started before the adoption.")
    return errors


def adoption_record(
    *,
    user: AbstractBaseUser,
    municipality: Municipality,
    innovation: Innovation,
    stage: str,
    started_on: datetime.date,
    stage_since: datetime.date | None = None,
    evidence_reference: str = "",
    evidence_description: str = "",
    contact_name: str = "",
    contact_email: str = "",
) -> Adoption:
    """Claim that `municipality` uses `innovation`; a reviewer verifies it later.

    Only the municipality's buyers (and administrators) may, only for a published
    innovation, once per municipality and innovation: the database's unique constraint
    decides between two simultaneous submits, and the loser gets a field error."""
    require_act_for(user, municipality)
    stage_since = stage_since or started_on
    errors = _validate_adoption(stage=stage, started_on=started_on, stage_since=stage_since)
    if not Innovation.objects.approved().filter(pk=innovation.pk).exists():
        errors["innovation"] = _("Only approved innovations in the catalogue can be adopted.")
    if errors:
        raise ValidationError(errors)
    try:
        # A savepoint, so that a lost race leaves the caller's transaction usable.
        with transaction.atomic():
            adoption = Adoption.objects.create(
                municipality=municipality,
                innovation=innovation,
                stage=stage,
                started_on=started_on,
                stage_since=stage_since,
                evidence_reference=evidence_reference.strip(),
                evidence_description=evidence_description.strip(),
                contact_name=contact_name.strip(),
                contact_email=contact_email.strip(),
                claimed_by=user,
            )
            AdoptionStageChange.objects.create(
                adoption=adoption,
                from_stage="",
                to_stage=stage,
                stage_since=stage_since,
                changed_by=user,
            )
            audit_record(
                actor=user,
                action="adoption.claim",
                obj=adoption,
                changes=created_values(field_values(adoption, ADOPTION_FIELDS)),
            )
    except IntegrityError:
        if not Adoption.objects.filter(municipality=municipality, innovation=innovation).exists():
            raise
        raise ValidationError(
            {
                "innovation": _("%(name)s has already recorded an adoption of this innovation.")
                % {"name": municipality}
            },
            code="duplicate",
        ) from None
    return adoption


@transaction.atomic
def adoption_update(
    *,
    user: AbstractBaseUser,
    adoption: Adoption,
    stage: str | None = None,
    stage_since: datetime.date | None = None,
    started_on: datetime.date | None = None,
    evidence_reference: str | None = None,
    evidence_description: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
) -> Adoption:
    """Change an adoption; arguments left at None stay as they are.

    A new stage takes `stage_since` (default: today) and adds a row to the stage history.
    A changed stage or date needs verification again, so the adoption goes back to
    `claimed` and stops counting until a reviewer has looked at it; a rejected adoption
    goes back to `claimed` on any change."""
    adoption = (
        Adoption.objects.select_for_update().select_related("municipality").get(pk=adoption.pk)
    )
    require_act_for(user, adoption.municipality)
    before = field_values(adoption, ADOPTION_FIELDS)
    new_stage = adoption.stage if stage is None else stage
    new_started_on = started_on or adoption.started_on
    stage_changed = new_stage != adoption.stage
    if stage_since is not None:
        new_stage_since = stage_since
    elif stage_changed:
        new_stage_since = timezone.localdate()
    elif adoption.stage_since == adoption.started_on:
        # Still in its first stage: that stage began when the adoption did.
        new_stage_since = new_started_on
    else:
        new_stage_since = adoption.stage_since
    errors = _validate_adoption(
        stage=new_stage, started_on=new_started_on, stage_since=new_stage_since
    )
    if errors:
        raise ValidationError(errors)

    changed = []
    for field, value in [
        ("evidence_reference", evidence_reference),
        ("evidence_description", evidence_description),
        ("contact_name", contact_name),
        ("contact_email", contact_email),
    ]:
        if value is not None and value.strip() != getattr(adoption, field):
            setattr(adoption, field, value.strip())
            changed.append(field)
    stage_or_date_changed = (
        stage_changed
        or new_stage_since != adoption.stage_since
        or new_started_on != adoption.started_on
    )
    if stage_or_date_changed:
        if stage_changed or new_stage_since != adoption.stage_since:
            AdoptionStageChange.objects.create(
                adoption=adoption,
                from_stage=adoption.stage,
                to_stage=new_stage,
                stage_since=new_stage_since,
                changed_by=user,
            )
        adoption.stage = new_stage
        adoption.stage_since = new_stage_since
        adoption.started_on = new_started_on
        changed += ["stage", "stage_since", "started_on"]
    # A changed stage or date is checked again; so is any correction of a rejected claim
    # (that is how a municipality answers the reviewer's note).
    if stage_or_date_changed or (changed and adoption.verification == Verification.REJECTED):
        adoption.verification = Verification.CLAIMED
        adoption.verified_by = None
        adoption.verified_at = None
        changed += ["verification", "verified_by", "verified_at"]
    if changed:
        adoption.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=user,
            action="adoption.update",
            obj=adoption,
            changes=changed_values(before, field_values(adoption, ADOPTION_FIELDS)),
        )
    if "verification" in changed:
        # A verified adoption that stops counting changes the catalogue's adoption counts.
        adoption_facts_refresh(innovation_ids=[adoption.innovation_id])
        caching.bump_data_version(caching.CATALOGUE)
    return adoption


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


def adoption_verify(
    *, user: AbstractBaseUser, adoption: Adoption, decision: str, note: str = ""
) -> Adoption:
    """A reviewer verifies or rejects a claimed adoption (a rejection needs a note).

    A conditional UPDATE … WHERE verification = 'claimed' makes two reviewers acting at
    once safe: one wins, the other gets TransitionNotAllowed. Nobody verifies a claim of
    their own, nor an adoption of an innovation of the supplier they work for."""
    if not can_verify_adoptions(user):
        raise PermissionDenied(_("Only reviewers may verify adoptions."))
    errors = {}
    if decision not in VERIFY_DECISIONS:
        errors["decision"] = _("Choose verify or reject.")
    elif decision == "reject" and not note.strip():
        errors["note"] = _("Say why the adoption is rejected; the municipality reads this.")
    if errors:
        raise ValidationError(errors)
    conflict = adoption_verify_conflict(user=user, adoption=adoption)
    if conflict:
        raise PermissionDenied(conflict)
    target = VERIFY_DECISIONS[decision]
    allowed_from = [s for s, targets in VERIFICATION_TRANSITIONS.items() if target in targets]
    now = timezone.now()
    with transaction.atomic():
        updated = Adoption.objects.filter(pk=adoption.pk, verification__in=allowed_from).update(
            verification=target,
            verified_by=user,
            verified_at=now,
            verification_note=note.strip(),
            updated_at=now,
        )
        if not updated:
            raise TransitionNotAllowed(_("This adoption is no longer waiting for verification."))
        # The conditional UPDATE succeeded, so the old state was the one it required.
        audit_record(
            actor=user,
            action=f"adoption.{decision}",
            obj=adoption,
            changes=changed_values(
                {
                    "verification": Verification.CLAIMED,
                    "verified_by": None,
                    "verified_at": None,
                    "verification_note": adoption.verification_note,
                },
                {
                    "verification": target,
                    "verified_by": user.pk,
                    "verified_at": now,
                    "verification_note": note.strip(),
                },
            ),
        )
        mail_on_commit(tasks.mail_adoption_decision, adoption_id=adoption.pk)
        if target == Verification.VERIFIED:
            adoption_facts_refresh(innovation_ids=[adoption.innovation_id])
            caching.bump_data_version(caching.CATALOGUE)
    adoption.refresh_from_db()
    return adoption
