"""Every write to municipalities, memberships, adoptions, shortlists and challenges."""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.outbox import mail_on_commit
from audit.services import audit_record, changed_values, created_values, field_values
from innovations import caching
from innovations.access import supplier_for
from innovations.enums import Country, Domain, Province
from innovations.exceptions import TransitionNotAllowed
from innovations.models import Innovation

from . import tasks
from .access import can_verify_adoptions, is_buyer_for
from .adoption_facts import adoption_facts_refresh, adoption_facts_refresh_for_municipalities
from .enums import (
    ChallengeStatus,
    GoalsMet,
    ResponseStatus,
    Stage,
    Verification,
    size_class_for,
)
from .models import (
    Adoption,
    AdoptionStageChange,
    Challenge,
    ChallengeResponse,
    Evaluation,
    Municipality,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
# The provinces' codes in the source files (CBS `PV..`, Statbel REFNIS) → ISO 3166-2.
PROVINCE_BY_SOURCE_CODE = {
    "PV20": Province.NL_GR,
    "PV21": Province.NL_FR,
    "PV22": Province.NL_DR,
    "PV23": Province.NL_OV,
    "PV24": Province.NL_FL,
    "PV25": Province.NL_GE,
    "PV26": Province.NL_UT,
    "PV27": Province.NL_NH,
    "PV28": Province.NL_ZH,
    "PV29": Province.NL_ZE,
    "PV30": Province.NL_NB,
    "PV31": Province.NL_LI,
    "10000": Province.BE_VAN,
    "20001": Province.BE_VBR,
    "30000": Province.BE_VWV,
    "40000": Province.BE_VOV,
    "70000": Province.BE_VLI,
}
REFERENCE_FILES = [
    (DATA_DIR / "nl_municipalities.csv", Country.NL),
    (DATA_DIR / "be_flanders_municipalities.csv", Country.BE),
]


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _reference_rows():
    for path, country in REFERENCE_FILES:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                population = int(row["population"])
                yield {
                    "code": row["code"],
                    "name": row["name"],
                    "country": country,
                    "province": row["province"],
                    "province_code": PROVINCE_BY_SOURCE_CODE[row["province_code"]].value,
                    "population": population,
                    "population_date": datetime.date.fromisoformat(row["population_date"]),
                    "size_class": size_class_for(population),
                }


def _unique_slug(name: str, country: str, code: str, taken: set[str]) -> str:
    base = slugify(name) or code.lower()
    for candidate in (base, f"{base}-{country.lower()}", f"{base}-{code.lower()}"):
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free slug for {code}")  # cannot happen: codes are unique


@transaction.atomic
def municipalities_load_reference() -> LoadResult:
    """Create or update every Dutch and Flemish municipality from the shipped CSV files.

    Idempotent: a second run finds every row unchanged and writes nothing. Slugs, once
    given, are kept, so links to municipality pages stay valid."""
    existing = {m.code: m for m in Municipality.objects.all()}
    taken = {m.slug for m in existing.values()}
    result = LoadResult()
    fields = [
        "name",
        "country",
        "province",
        "province_code",
        "population",
        "population_date",
        "size_class",
    ]
    to_create, to_update = [], []
    rows = sorted(_reference_rows(), key=lambda r: (r["country"] != Country.NL, r["code"]))
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            slug = _unique_slug(row["name"], row["country"], row["code"], taken)
            taken.add(slug)
            to_create.append(Municipality(slug=slug, **row))
            result.created += 1
        elif any(getattr(current, field) != row[field] for field in fields):
            for field in fields:
                setattr(current, field, row[field])
            to_update.append(current)
            result.updated += 1
        else:
            result.unchanged += 1
    Municipality.objects.bulk_create(to_create, batch_size=500)
    Municipality.objects.bulk_update(to_update, fields, batch_size=500)
    if to_update:
        # The catalogue's "in use in province" facts hold the adopters' provinces.
        adoption_facts_refresh_for_municipalities(
            municipality_ids=[municipality.pk for municipality in to_update]
        )
        caching.bump_data_version(caching.CATALOGUE)
    return result


# --- Adoptions ----------------------------------------------------------------------------

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
CHALLENGE_FIELDS = ("municipality", "title", "problem_statement", "domain", "deadline", "status")


def can_act_for(user: AbstractBaseUser, municipality: Municipality) -> bool:
    """May `user` record adoptions and post challenges for `municipality`? Its approved
    buyers may, and administrators (DESIGN.md, roles)."""
    return user.is_authenticated and (user.is_superuser or is_buyer_for(user, municipality))


def _require_act_for(user: AbstractBaseUser, municipality: Municipality) -> None:
    if not can_act_for(user, municipality):
        raise PermissionDenied(_("Only buyers of %(name)s may do this.") % {"name": municipality})


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
    _require_act_for(user, municipality)
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
    _require_act_for(user, adoption.municipality)
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
    _require_act_for(user, adoption.municipality)
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


def adoption_verify_conflict(*, user: AbstractBaseUser, adoption: Adoption) -> str:
    """Why `user` may not verify `adoption` although a reviewer ("" when they may): nobody
    verifies a claim of their own, nor an adoption of their own supplier's innovation."""
    supplier = supplier_for(user)
    if supplier is not None and supplier.pk == adoption.innovation.supplier_id:
        return _("You cannot verify an adoption of your own organisation's innovation.")
    if adoption.claimed_by_id == user.pk:
        return _("You cannot verify an adoption you recorded yourself.")
    return ""


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


# --- Challenges ---------------------------------------------------------------------------


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
    _require_act_for(user, municipality)
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
    _require_act_for(user, challenge.municipality)
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


def challenge_is_open(challenge: Challenge) -> bool:
    return challenge.status == ChallengeStatus.OPEN and challenge.deadline >= timezone.localdate()


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
            {"innovation": _("You have already answered this challenge with this innovation.")},
            code="duplicate",
        ) from None
    return response


RESPONSE_MARKS = [ResponseStatus.INTERESTED, ResponseStatus.DECLINED]


def challenge_response_mark(
    *, user: AbstractBaseUser, response: ChallengeResponse, status: str
) -> ChallengeResponse:
    """The challenge's municipality marks an answer as interesting or declined."""
    _require_act_for(user, response.challenge.municipality)
    if status not in RESPONSE_MARKS:
        raise ValidationError(
            {"status": _("Choose one of: %(values)s.") % {"values": ", ".join(RESPONSE_MARKS)}}
        )
    with transaction.atomic():
        old_status = response.status
        response.status = status
        response.save(update_fields=["status"])
        if old_status != status:
            audit_record(
                actor=user,
                action="challenge.mark_response",
                obj=response,
                changes={"status": [old_status, status]},
            )
    return response


# --- Notifications (sent by Celery tasks after commit) -------------------------------------


def _absolute(path: str) -> str:
    return getattr(settings, "KOPLOPER_BASE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _send_mail(*, user: AbstractBaseUser, template: str, url_name: str, args, context) -> None:
    """Mail `user` in their own language: <template>_subject.txt, <template>.txt and
    <template>.html, with `url` the absolute address of the page it is about."""
    if not user.email:
        return
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        context = {**context, "recipient": user, "url": _absolute(reverse(url_name, args=args))}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def adoption_decision_notify(*, adoption: Adoption) -> None:
    """Tell whoever recorded the adoption what the reviewer decided."""
    if adoption.claimed_by is None or adoption.verification == Verification.CLAIMED:
        return
    _send_mail(
        user=adoption.claimed_by,
        template="municipalities/email/adoption_decision",
        url_name="municipalities:adoption_detail",
        args=[adoption.pk],
        context={"adoption": adoption},
    )


def challenge_response_notify(*, response: ChallengeResponse) -> None:
    """Tell the buyer who posted the challenge that a supplier answered it."""
    if response.challenge.created_by is None:
        return
    _send_mail(
        user=response.challenge.created_by,
        template="municipalities/email/challenge_response",
        url_name="municipalities:challenge_detail",
        args=[response.challenge_id],
        context={"response": response, "challenge": response.challenge},
    )
