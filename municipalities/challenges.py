"""Challenges: a municipality posts a problem, suppliers answer it with approved innovations,
and the municipality marks the answers. Every write to challenges and their responses."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import audit_changes, audit_record, created_values, field_values
from core.exceptions import TransitionNotAllowed
from innovations.access import supplier_for
from innovations.enums import Domain
from innovations.models import Innovation

from . import tasks
from .access import challenge_is_open, require_act_for
from .enums import ChallengeStatus, ResponseStatus
from .models import Challenge, ChallengeResponse, Municipality

# What the audit log records of a challenge.
CHALLENGE_FIELDS = ("municipality", "title", "problem_statement", "domain", "deadline", "status")


def challenge_post(
    *,
    user: AbstractBaseUser,
    municipality: Municipality,
    title: str,
    problem_statement: str,
    domain: str,
    deadline: datetime.date,
) -> Challenge:
    """Publish a problem of `municipality` for suppliers to answer."""
    require_act_for(user, municipality)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the challenge a title.")
    if not problem_statement.strip():
        errors["problem_statement"] = _("Describe the problem.")
    if domain not in Domain.values:
        errors["domain"] = _("Choose one of: %(values)s.") % {"values": ", ".join(Domain.values)}
    if deadline <= timezone.localdate():
        errors["deadline"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            municipality=municipality,
            title=title.strip(),
            problem_statement=problem_statement.strip(),
            domain=domain,
            deadline=deadline,
            created_by=user,
        )
        audit_record(
            actor=user,
            action="challenge.post",
            obj=challenge,
            changes=created_values(field_values(challenge, CHALLENGE_FIELDS)),
        )
    return challenge


def challenge_close(*, user: AbstractBaseUser, challenge: Challenge) -> Challenge:
    """Close an open challenge: it leaves the public list and takes no more answers."""
    require_act_for(user, challenge.municipality)
    with transaction.atomic():
        updated = Challenge.objects.filter(pk=challenge.pk, status=ChallengeStatus.OPEN).update(
            status=ChallengeStatus.CLOSED
        )
        if not updated:
            raise TransitionNotAllowed(_("This challenge is already closed."))
        audit_record(
            actor=user,
            action="challenge.close",
            obj=challenge,
            changes={"status": [ChallengeStatus.OPEN, ChallengeStatus.CLOSED]},
        )
    challenge.refresh_from_db()
    return challenge


def challenge_respond(
    *, user: AbstractBaseUser, challenge: Challenge, innovation: Innovation, pitch: str
) -> ChallengeResponse:
    """A supplier answers an open challenge with one of its own approved innovations."""
    supplier = supplier_for(user)
    if supplier is None:
        raise PermissionDenied(_("Only suppliers can answer challenges."))
    if not challenge_is_open(challenge):
        raise TransitionNotAllowed(_("This challenge no longer takes answers."))
    errors = {}
    if innovation.supplier_id != supplier.pk:
        errors["innovation"] = _("Answer with one of your own innovations.")
    elif not Innovation.objects.approved().filter(pk=innovation.pk).exists():
        errors["innovation"] = _("Only approved innovations can answer a challenge.")
    elif not Innovation.objects.current().filter(pk=innovation.pk).exists():
        errors["innovation"] = _(
            "The approval of this innovation has ended: it can answer challenges again once "
            "it is reconfirmed."
        )
    if not pitch.strip():
        errors["pitch"] = _("Explain how your innovation solves this problem.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = ChallengeResponse.objects.create(
                challenge=challenge, innovation=innovation, pitch=pitch.strip(), created_by=user
            )
            audit_record(
                actor=user,
                action="challenge.respond",
                obj=response,
                changes={
                    "challenge": [None, challenge.pk],
                    "innovation": [None, innovation.pk],
                    "pitch": [None, response.pitch],
                },
            )
            mail_on_commit(tasks.mail_challenge_response, response_id=response.pk)
    except IntegrityError:
        raise ValidationError(
            {
                "innovation": ValidationError(
                    _("You have already answered this challenge with this innovation."),
                    code="duplicate",
                )
            }
        ) from None
    return response


RESPONSE_MARKS = [ResponseStatus.INTERESTED, ResponseStatus.DECLINED]


def challenge_response_mark(
    *, user: AbstractBaseUser, response: ChallengeResponse, status: str
) -> ChallengeResponse:
    """The challenge's municipality marks an answer as interesting or declined."""
    require_act_for(user, response.challenge.municipality)
    if status not in RESPONSE_MARKS:
        raise ValidationError(
            {"status": _("Choose one of: %(values)s.") % {"values": ", ".join(RESPONSE_MARKS)}}
        )
    with (
        transaction.atomic(),
        audit_changes(
            actor=user,
            action="challenge.mark_response",
            obj=response,
            fields=["status"],
            only_if_changed=True,
        ),
    ):
        response.status = status
        response.save(update_fields=["status"])
    return response
