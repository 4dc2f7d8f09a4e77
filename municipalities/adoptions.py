"""Adoptions: a municipality records that it uses an innovation and changes it, a reviewer
verifies each claim. Every write to adoptions and their claimed changes (evaluations:
evaluations.py; the rules: adoption_rules.py)."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import (
    audit_changes,
    audit_record,
    created_values,
    field_values,
    removed_values,
)
from core import caching
from core.exceptions import TransitionNotAllowed
from innovations.models import Innovation

from . import tasks
from .access import adoption_verify_conflict, can_verify_adoptions, require_act_for
from .adoption_facts import adoption_facts_refresh, pilot_outcome_refresh
from .adoption_rules import (
    ADOPTION_FIELDS,
    CHANGE_FIELDS,
    STATE_FIELDS,
    VERIFY_DECISIONS,
    validate_adoption,
    validate_move,
)
from .enums import Verification
from .models import Adoption, AdoptionChange, AdoptionStageChange, Municipality


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
    contact_name: str | None = None,
    contact_email: str | None = None,
) -> Adoption:
    """Claim that `municipality` uses `innovation`; a reviewer verifies it later (its stage
    enters the history then). A contact left out (None) is the recording user, as the web
    form proposes; an empty one stays empty.

    Only the municipality's buyers (and administrators) may, only for a published
    innovation, once per municipality and innovation: the database's unique constraint
    decides between two simultaneous submits, and the loser gets a field error."""
    require_act_for(user, municipality)
    if contact_name is None:
        contact_name = user.get_full_name()
    if contact_email is None:
        contact_email = user.email
    stage_since = stage_since or started_on
    errors = validate_adoption(stage=stage, started_on=started_on, stage_since=stage_since)
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
                "innovation": ValidationError(
                    _("%(name)s has already recorded an adoption of this innovation.")
                    % {"name": municipality},
                    code="duplicate",
                )
            }
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
    """Change an adoption; arguments left at None stay as they are. The contact changes at
    once. A new stage takes `stage_since` (default: today).

    A claim that was never verified is corrected in place (a rejected one goes back to the
    reviewer). A verified adoption keeps its verified state, public and counted: the new
    stage, dates or evidence become its claimed change (AdoptionChange), which replaces
    any change still waiting and waits for a reviewer (adoption_verify). Such a change
    moves the stage forward only and never dates it back (_validate_move); a change back to
    the verified state withdraws the waiting one."""
    adoption = (
        Adoption.objects.select_for_update().select_related("municipality").get(pk=adoption.pk)
    )
    require_act_for(user, adoption.municipality)
    waiting = adoption_waiting_change(adoption)
    base = waiting or adoption  # the buyer edits their waiting change, else the adoption
    new_stage = base.stage if stage is None else stage
    new_started_on = started_on or base.started_on
    stage_changed = new_stage != base.stage
    if stage_since is not None:
        new_stage_since = stage_since
    elif stage_changed:
        new_stage_since = timezone.localdate()
    elif base.stage_since == base.started_on:
        # Still in its first stage: that stage began when the adoption did.
        new_stage_since = new_started_on
    else:
        new_stage_since = base.stage_since
    proposed = {
        "stage": new_stage,
        "started_on": new_started_on,
        "stage_since": new_stage_since,
        "evidence_reference": _stripped(evidence_reference, base.evidence_reference),
        "evidence_description": _stripped(evidence_description, base.evidence_description),
    }
    errors = validate_adoption(
        stage=new_stage, started_on=new_started_on, stage_since=new_stage_since
    )
    if not errors and adoption.verification == Verification.VERIFIED:
        errors = validate_move(verified=adoption, proposed=proposed)
    if errors:
        raise ValidationError(errors)

    with audit_changes(
        actor=user,
        action="adoption.update",
        obj=adoption,
        fields=ADOPTION_FIELDS,
        only_if_changed=True,
    ):
        changed = []
        for field, value in [("contact_name", contact_name), ("contact_email", contact_email)]:
            if value is not None and value.strip() != getattr(adoption, field):
                setattr(adoption, field, value.strip())
                changed.append(field)
        if adoption.verification == Verification.VERIFIED:
            _claim_change(user=user, adoption=adoption, waiting=waiting, proposed=proposed)
        else:
            state_changed = [f for f in STATE_FIELDS if proposed[f] != getattr(adoption, f)]
            for field in state_changed:
                setattr(adoption, field, proposed[field])
            changed += state_changed
            # A corrected rejected claim is how a municipality answers the reviewer's note.
            if changed and adoption.verification == Verification.REJECTED:
                adoption.verification = Verification.CLAIMED
                adoption.verified_by = None
                adoption.verified_at = None
                changed += ["verification", "verified_by", "verified_at"]
        if changed:
            adoption.save(update_fields=[*changed, "updated_at"])
    return adoption


def _stripped(value: str | None, current: str) -> str:
    return current if value is None else value.strip()


def adoption_waiting_change(adoption: Adoption) -> AdoptionChange | None:
    """The claimed change of a verified adoption that waits for a reviewer, if any."""
    return adoption.changes.filter(status=Verification.CLAIMED).first()


def _claim_change(
    *, user: AbstractBaseUser, adoption: Adoption, waiting: AdoptionChange | None, proposed: dict
) -> None:
    """Record `proposed` as the verified adoption's claimed change (the caller holds the
    adoption's lock): a new one, the waiting one updated, or the waiting one withdrawn when
    the buyer goes back to the verified state."""
    if all(proposed[f] == getattr(adoption, f) for f in STATE_FIELDS):
        if waiting is not None:
            audit_record(
                actor=user,
                action="adoption.change_withdraw",
                obj=waiting,
                changes=removed_values(field_values(waiting, STATE_FIELDS)),
            )
            waiting.delete()
        return
    if waiting is None:
        change = AdoptionChange.objects.create(
            adoption=adoption, claimed_by=user, status=Verification.CLAIMED, **proposed
        )
        audit_record(
            actor=user,
            action="adoption.change_claim",
            obj=change,
            changes=created_values(field_values(change, STATE_FIELDS)),
        )
        return
    if all(getattr(waiting, field) == value for field, value in proposed.items()):
        return
    with audit_changes(
        actor=user, action="adoption.change_claim", obj=waiting, fields=STATE_FIELDS
    ):
        for field, value in proposed.items():
            setattr(waiting, field, value)
        waiting.claimed_by = user
        waiting.save(update_fields=[*STATE_FIELDS, "claimed_by"])


def adoption_verify(
    *, user: AbstractBaseUser, adoption: Adoption, decision: str, note: str = ""
) -> Adoption:
    """A reviewer verifies or rejects what waits on an adoption: a new claim, or the claimed
    change of a verified adoption (a rejection needs a note).

    Verifying a new claim makes it public and counted; verifying a change makes it the
    adoption's verified state. Rejecting a claim keeps it private; rejecting a change keeps
    the verified state as it was. The adoption's row is locked, so of two reviewers acting
    at once one wins and the other gets TransitionNotAllowed. Nobody verifies a claim of
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
    target = VERIFY_DECISIONS[decision]
    note = note.strip()
    now = timezone.now()
    with transaction.atomic():
        row = Adoption.objects.select_for_update().select_related("innovation").get(pk=adoption.pk)
        waiting = None if row.verification == Verification.CLAIMED else adoption_waiting_change(row)
        if row.verification != Verification.CLAIMED and waiting is None:
            raise TransitionNotAllowed(_("This adoption is no longer waiting for verification."))
        conflict = adoption_verify_conflict(user=user, adoption=row)
        if conflict:
            raise PermissionDenied(conflict)
        if waiting is None:
            _decide_claim(user=user, adoption=row, target=target, note=note, now=now)
        else:
            _decide_change(
                user=user, adoption=row, change=waiting, target=target, note=note, now=now
            )
        mail_on_commit(
            tasks.mail_adoption_decision,
            adoption_id=row.pk,
            **({"change_id": waiting.pk} if waiting is not None else {}),
        )
    adoption.refresh_from_db()
    return adoption


def _decide_claim(*, user, adoption: Adoption, target: str, note: str, now) -> None:
    with audit_changes(
        actor=user,
        action=f"adoption.{'verify' if target == Verification.VERIFIED else 'reject'}",
        obj=adoption,
        fields=ADOPTION_FIELDS,
    ):
        adoption.verification = target
        adoption.verified_by = user
        adoption.verified_at = now
        adoption.verification_note = note
        adoption.save(
            update_fields=[
                "verification",
                "verified_by",
                "verified_at",
                "verification_note",
                "updated_at",
            ]
        )
        if target == Verification.VERIFIED:
            adoption_state_take_effect(
                adoption=adoption, previous=None, claimed_by=adoption.claimed_by
            )


def _decide_change(
    *, user, adoption: Adoption, change: AdoptionChange, target: str, note: str, now
) -> None:
    verified = target == Verification.VERIFIED
    with audit_changes(
        actor=user,
        action=f"adoption.change_{'verify' if verified else 'reject'}",
        obj=change,
        fields=CHANGE_FIELDS,
    ):
        change.status = target
        change.decided_by = user
        change.decided_at = now
        change.note = note
        change.save(update_fields=["status", "decided_by", "decided_at", "note"])
    if not verified:
        return  # the verified state stays as it was
    # A new verified state, logged as a first verification is: readers of the log (alerts)
    # see every verified state of an adoption the same way.
    with audit_changes(actor=user, action="adoption.verify", obj=adoption, fields=ADOPTION_FIELDS):
        previous = {field: getattr(adoption, field) for field in STATE_FIELDS}
        for field in STATE_FIELDS:
            setattr(adoption, field, getattr(change, field))
        adoption.verified_by = user
        adoption.verified_at = now
        adoption.verification_note = note
        adoption.save(
            update_fields=[
                *STATE_FIELDS,
                "verified_by",
                "verified_at",
                "verification_note",
                "updated_at",
            ]
        )
        adoption_state_take_effect(
            adoption=adoption, previous=previous, claimed_by=change.claimed_by
        )


def adoption_state_take_effect(
    *, adoption: Adoption, previous: dict | None, claimed_by: AbstractBaseUser | None
) -> None:
    """THE place where a verified state of an adoption takes effect: a claim verified for
    the first time (`previous` None) or a verified change (`previous`: the state it
    replaces, STATE_FIELDS → value). Called inside the verifying transaction, after the
    adoption's row holds the new state. The history gets the new stage (or its corrected
    date); what depends on verified adoptions is brought up to date here."""
    previous_stage = previous["stage"] if previous else ""
    previous_since = previous["stage_since"] if previous else None
    if adoption.stage != previous_stage or adoption.stage_since != previous_since:
        AdoptionStageChange.objects.create(
            adoption=adoption,
            from_stage=previous_stage,
            to_stage=adoption.stage,
            stage_since=adoption.stage_since,
            changed_by=claimed_by,
        )
    # How its pilot ended, from the history just written (the pages count these).
    pilot_outcome_refresh(adoption_ids=[adoption.pk])
    # The catalogue's adoption counts and adopters' provinces, kept on the innovation
    # (municipalities/adoption_facts.py), in this same transaction.
    adoption_facts_refresh(innovation_ids=[adoption.innovation_id])
    caching.bump_data_version(caching.CATALOGUE)
