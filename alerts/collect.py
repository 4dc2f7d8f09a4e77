"""The collector: learns what happened from the append-only audit log that every service
of the lower apps writes in the transaction of its change, and turns it into
notifications. The lower apps never call up to this app.

It reads the entries after a stored watermark (`Watermark` "audit"). Ids are handed out
when a row is inserted, not when it commits, so an entry may become visible after one
with a higher id: the watermark therefore only moves past entries older than SETTLE,
and younger ones are read again on the next run. Reading an entry twice is harmless:
every notification has a key that is unique per user (`Notification.key`), and what an
entry means is derived from the histories alone, so a re-read finds the same thing. A
collector killed halfway rolls back its transaction, watermark included."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.models import AuditEntry
from innovations.enums import Status
from innovations.models import Innovation
from municipalities.enums import ChallengeStatus, Verification
from municipalities.models import (
    Adoption,
    AdoptionStageChange,
    Challenge,
    ChallengeResponse,
    Evaluation,
)

from .enums import DEFAULT_CHANNELS, Channel, Kind
from .models import Follow, Watermark
from .notifications import notify

logger = logging.getLogger(__name__)

AUDIT = "audit"
SETTLE = datetime.timedelta(minutes=5)
BATCH = 500
# A followed challenge's deadline is announced this many days ahead.
DEADLINE_NOTICE_DAYS = 3

ADOPTION = "municipalities.adoption"
EVALUATION = "municipalities.evaluation"


# --- Who hears of it --------------------------------------------------------------------------


def _active(user_ids) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(pk__in=list(user_ids), is_active=True)
        .values_list("pk", flat=True)
    )


def innovation_followers(innovation_id: int, *, exclude=()) -> list[int]:
    ids = Follow.objects.filter(innovation_id=innovation_id).values_list("user_id", flat=True)
    return [pk for pk in _active(ids) if pk not in exclude]


def challenge_followers(challenge_id: int) -> list[int]:
    return _active(
        Follow.objects.filter(challenge_id=challenge_id).values_list("user_id", flat=True)
    )


def supplier_members(supplier_id: int) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(supplier_membership__supplier_id=supplier_id, is_active=True)
        .values_list("pk", flat=True)
    )


def suppliers_in_domain(domain: str) -> list[int]:
    """Members of suppliers with an innovation in `domain` that could answer a challenge
    (published and its approval valid: one to be reconfirmed is out of the catalogue's
    default view and cannot answer, municipalities.challenges) who want to hear of new
    challenges (opt-in: only those who chose a channel, unless the default is on)."""
    users = get_user_model().objects.filter(
        is_active=True,
        supplier_membership__supplier__innovations__in=Innovation.objects.current().filter(
            domains__code=domain
        ),
    )
    if DEFAULT_CHANNELS[Kind.NEW_CHALLENGE] == Channel.OFF:
        users = users.filter(
            alert_settings__channels__new_challenge__in=[Channel.MAIL, Channel.PORTAL]
        )
    return list(users.values_list("pk", flat=True).distinct())


# --- What an entry means ----------------------------------------------------------------------


def _published(innovation: Innovation) -> bool:
    return innovation.status == Status.APPROVED and innovation.revision_of_id is None


def _stage_at(adoption: Adoption, when: datetime.datetime) -> str:
    change = (
        AdoptionStageChange.objects.filter(adoption=adoption, created_at__lte=when)
        .order_by("-created_at", "-id")
        .first()
    )
    return change.to_stage if change is not None else adoption.stage


def _adoption_data(adoption: Adoption, **extra) -> dict:
    return {
        "municipality": adoption.municipality.name,
        "innovation": adoption.innovation.title,
        **extra,
    }


def _evaluation_published(evaluation: Evaluation, when) -> int:
    adoption = evaluation.adoption
    followers = innovation_followers(adoption.innovation_id, exclude={adoption.claimed_by_id})
    return notify(
        user_ids=followers,
        kind=Kind.EVALUATION,
        key=f"evaluation:{evaluation.pk}",
        innovation=adoption.innovation,
        data=_adoption_data(adoption, goals_met=evaluation.goals_met),
        created_at=when,
    )


def on_adoption_verified(entry: AuditEntry) -> int:
    """A verified adoption: the innovation's first verification by this municipality is
    a new adopter, a later one with another stage a stage change; an evaluation written
    before it is published with it."""
    adoption = (
        Adoption.objects.select_related("innovation", "municipality")
        .filter(pk=entry.object_id)
        .first()
    )
    if adoption is None or not _published(adoption.innovation):
        return 0
    followers = innovation_followers(
        adoption.innovation_id, exclude={adoption.claimed_by_id, entry.actor_id}
    )
    stage = _stage_at(adoption, entry.created_at)
    earlier = (
        AuditEntry.objects.filter(
            object_type=ADOPTION,
            object_id=entry.object_id,
            action="adoption.verify",
            pk__lt=entry.pk,
        )
        .order_by("-pk")
        .first()
    )
    made = 0
    if earlier is None:
        made += notify(
            user_ids=followers,
            kind=Kind.NEW_ADOPTER,
            key=f"adopter:{adoption.pk}",
            innovation=adoption.innovation,
            data=_adoption_data(adoption, stage=stage),
            created_at=entry.created_at,
        )
    else:
        old = _stage_at(adoption, earlier.created_at)
        if old != stage:
            made += notify(
                user_ids=followers,
                kind=Kind.STAGE_CHANGE,
                key=f"stage:{adoption.pk}:{stage}",
                innovation=adoption.innovation,
                data=_adoption_data(adoption, old=old, new=stage),
                created_at=entry.created_at,
            )
    evaluation = Evaluation.objects.filter(adoption=adoption).select_related("adoption").first()
    if evaluation is not None:
        evaluation.adoption = adoption
        made += _evaluation_published(evaluation, entry.created_at)
    return made


def on_evaluation(entry: AuditEntry) -> int:
    """An evaluation is published when its adoption is verified (else at verification)."""
    evaluation = (
        Evaluation.objects.select_related("adoption__innovation", "adoption__municipality")
        .filter(pk=entry.object_id)
        .first()
    )
    if evaluation is None:
        return 0
    adoption = evaluation.adoption
    if adoption.verification != Verification.VERIFIED or not _published(adoption.innovation):
        return 0
    return _evaluation_published(evaluation, entry.created_at)


def on_new_version(entry: AuditEntry) -> int:
    innovation = Innovation.objects.filter(pk=entry.object_id).first()
    if innovation is None or not _published(innovation):
        return 0
    return notify(
        user_ids=innovation_followers(innovation.pk),
        kind=Kind.NEW_VERSION,
        key=f"audit:{entry.pk}",
        innovation=innovation,
        data={"innovation": innovation.title},
        created_at=entry.created_at,
    )


def _challenge_data(challenge: Challenge, **extra) -> dict:
    return {
        "challenge": challenge.title,
        "municipality": challenge.municipality.name,
        **extra,
    }


def on_challenge_posted(entry: AuditEntry) -> int:
    challenge = Challenge.objects.select_related("municipality").filter(pk=entry.object_id).first()
    if challenge is None or challenge.status != ChallengeStatus.OPEN:
        return 0
    return notify(
        user_ids=suppliers_in_domain(challenge.domain),
        kind=Kind.NEW_CHALLENGE,
        key=f"challenge:{challenge.pk}",
        challenge=challenge,
        data=_challenge_data(challenge, domain=challenge.domain),
        created_at=entry.created_at,
    )


def on_challenge_closed(entry: AuditEntry) -> int:
    challenge = Challenge.objects.select_related("municipality").filter(pk=entry.object_id).first()
    if challenge is None:
        return 0
    return notify(
        user_ids=challenge_followers(challenge.pk),
        kind=Kind.CHALLENGE_CLOSED,
        key=f"closed:{challenge.pk}",
        challenge=challenge,
        data=_challenge_data(challenge),
        created_at=entry.created_at,
    )


def on_response_marked(entry: AuditEntry) -> int:
    """The supplier hears how the municipality marked their answer."""
    response = (
        ChallengeResponse.objects.select_related("challenge__municipality", "innovation")
        .filter(pk=entry.object_id)
        .first()
    )
    status = (entry.changes.get("status") or [None, None])[-1]
    if response is None or not status:
        return 0
    return notify(
        user_ids=supplier_members(response.innovation.supplier_id),
        kind=Kind.RESPONSE_MARKED,
        key=f"audit:{entry.pk}",
        challenge=response.challenge,
        innovation=response.innovation,
        data=_challenge_data(
            response.challenge, innovation=response.innovation.title, status=status
        ),
        created_at=entry.created_at,
    )


HANDLERS = {
    "adoption.verify": on_adoption_verified,
    "adoption.evaluate": on_evaluation,
    "innovation.publish_revision": on_new_version,
    "challenge.post": on_challenge_posted,
    "challenge.close": on_challenge_closed,
    "challenge.mark_response": on_response_marked,
}


# --- The run ----------------------------------------------------------------------------------


def collect(*, now: datetime.datetime | None = None) -> int:
    """Turn the audit entries after the watermark into notifications; returns how many
    are new. One run at a time (the watermark row is locked for the run). The first run
    starts at the present: what happened before alerts existed is not news."""
    now = now or timezone.now()
    with transaction.atomic():
        newest = AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0
        mark, created = Watermark.objects.select_for_update().get_or_create(
            name=AUDIT, defaults={"position": newest}
        )
        if created:
            return 0
        entries = list(
            AuditEntry.objects.filter(pk__gt=mark.position, action__in=list(HANDLERS)).order_by(
                "pk"
            )[:BATCH]
        )
        made = 0
        for entry in entries:
            made += HANDLERS[entry.action](entry)
        # Read up to here; but an entry younger than SETTLE may still have company with a
        # lower id that has not committed yet: stay before the youngest ones.
        read_up_to = entries[-1].pk if len(entries) == BATCH else newest
        settled = (
            AuditEntry.objects.filter(created_at__lte=now - SETTLE).aggregate(m=Max("pk"))["m"] or 0
        )
        position = max(mark.position, min(read_up_to, settled))
        if position != mark.position:
            mark.position = position
            mark.save(update_fields=["position", "updated_at"])
        made += remind_deadlines(today=timezone.localdate(now))
    if made:
        logger.info("alerts: %d new notifications", made)
    return made


def remind_deadlines(*, today: datetime.date) -> int:
    """Followers of an open challenge hear DEADLINE_NOTICE_DAYS ahead that it closes."""
    made = 0
    soon = Challenge.objects.filter(
        Q(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=DEADLINE_NOTICE_DAYS)),
        status=ChallengeStatus.OPEN,
        pk__in=Follow.objects.filter(challenge__isnull=False).values("challenge_id"),
    ).select_related("municipality")
    for challenge in soon:
        made += notify(
            user_ids=challenge_followers(challenge.pk),
            kind=Kind.CHALLENGE_DEADLINE,
            key=f"deadline:{challenge.pk}:{challenge.deadline.isoformat()}",
            challenge=challenge,
            data=_challenge_data(challenge, deadline=challenge.deadline.isoformat()),
        )
    return made
