from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.countries import Country, Province
from innovations.enums import Domain
from innovations.models import Innovation

from .enums import (
    ChallengeStatus,
    GoalsMet,
    MembershipStatus,
    ResponseStatus,
    SizeClass,
    Stage,
    Verification,
)


class Municipality(models.Model):
    """A Dutch gemeente or Flemish gemeente, addressed by its official code."""

    code = models.CharField(_("official code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country)
    # The province's official name, for display; `province_code` tells provinces apart
    # (two are called Limburg) and is what filters, API values and facets use.
    province = models.CharField(_("province"), max_length=60, db_index=True)
    province_code = models.CharField(
        _("province code"), max_length=6, choices=Province, db_index=True
    )
    population = models.PositiveIntegerField(_("population"))
    population_date = models.DateField(_("population on"), null=True, blank=True)
    # Stored so that SQL (ranking, matchmaking) can group on it; set by the loader.
    size_class = models.CharField(_("size class"), max_length=12, choices=SizeClass)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        indexes = [models.Index(fields=["country", "province"])]

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """A group of municipalities. The reference data brings the statistical regions between
    municipality and province (NUTS 3): the 40 COROP regions of the Netherlands (CBS code
    `CR01`…`CR40`) and the 22 arrondissements of Flanders (Statbel REFNIS `11000`…); an
    administrator may add others (without a code)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    # Set by the reference-data loader, which keeps these regions' members as the data say.
    code = models.CharField(
        _("official code"), max_length=8, unique=True, null=True, blank=True, default=None
    )
    country = models.CharField(_("country"), max_length=2, choices=Country, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="regions", verbose_name=_("municipalities"), blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class BuyerMembership(models.Model):
    """A user's (request for) membership of one municipality as its buyer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer_membership"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="buyer_memberships"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MembershipStatus, default=MembershipStatus.REQUESTED
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buyer membership")
        verbose_name_plural = _("buyer memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality} ({self.status})"


class AdoptionQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verification=Verification.VERIFIED)

    def public(self):
        """Verified adoptions of published innovations."""
        return self.verified().filter(
            innovation__status="approved", innovation__revision_of__isnull=True
        )


class Adoption(models.Model):
    """A municipality's use of an innovation; one per municipality and innovation."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="adoptions"
    )
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="adoptions")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage, default=Stage.PILOT)
    started_on = models.DateField(_("start date"))
    stage_since = models.DateField(_("in this stage since"))
    evidence_reference = models.CharField(
        _("contract or tender reference"),
        max_length=120,
        blank=True,
        help_text=_("For example a TenderNed publication number or a contract number."),
    )
    evidence_description = models.TextField(_("evidence"), max_length=3000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verification = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification,
        default=Verification.CLAIMED,
        db_index=True,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(_("verification note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Place among the innovation's verified adopters by start date (1: the launching
    # customer; ties share the better place, as SQL's RANK()); None unless verified. Kept
    # with the other facts of verified adoptions (adoption_facts.adoption_facts_refresh, in
    # the verifying transaction), so that a scorecard reads each adoption's order instead of
    # counting the adopters before it (docs/performance.md).
    adopter_order = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # How its pilot ended, from its verified states (municipalities.pilots): "" if it was
    # never a verified pilot, else "running", "onward" (went on to implementation or
    # scaling) or "ended". Kept where a verified state takes effect
    # (adoption_facts.pilot_outcome_refresh), so that the pages that count pilots' outcomes
    # read a column instead of probing the stage history per adoption.
    pilot_outcome = models.CharField(max_length=8, blank=True, default="", editable=False)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        permissions = [("verify_adoption", "Can verify adoptions")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "innovation"], name="adoption_one_per_pair"
            ),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="adoption_stage"),
            models.CheckConstraint(
                condition=Q(stage_since__gte=models.F("started_on")),
                name="adoption_stage_since_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["innovation", "verification", "started_on"]),
            # The verification queue: claimed ones, oldest first.
            models.Index(fields=["verification", "created_at"], name="adoption_queue"),
            # A municipality's verified adoptions with what its page, its scorecard's points
            # and their counts read (PostgreSQL: an index-only scan; a large municipality's
            # thousands of adoptions lie on as many pages of the table: docs/performance.md);
            # the verification time for "why did it move" (ranking.movement), the pilot outcome
            # for the municipality page's count of its pilots' outcomes.
            models.Index(
                fields=["municipality", "verification"],
                include=[
                    "id",
                    "innovation",
                    "stage",
                    "started_on",
                    "stage_since",
                    "adopter_order",
                    "verified_at",
                    "pilot_outcome",
                ],
                name="adoption_municipality_covering",
            ),
        ]

    def __str__(self) -> str:
        # The stage's name in the reader's language: this reads in messages ("Verified: …").
        return f"{self.municipality} – {self.innovation} ({self.get_stage_display()})"


class AdoptionChange(models.Model):
    """A buyer's claimed change of a verified adoption (a new stage, a date, the evidence).

    It waits beside the verified state, which stays public and counted, until a reviewer
    verifies it (it then becomes the adoption's verified state) or rejects it (the
    verified state simply stays; the change is kept with the reviewer's note). At most
    one waits per adoption (DESIGN.md, Adoption changes)."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="changes")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage)
    started_on = models.DateField(_("start date"))
    stage_since = models.DateField(_("in this stage since"))
    evidence_reference = models.CharField(
        _("contract or tender reference"), max_length=120, blank=True
    )
    evidence_description = models.TextField(_("evidence"), max_length=3000, blank=True)
    status = models.CharField(
        _("verification"), max_length=10, choices=Verification, default=Verification.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("verification note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("claimed change")
        verbose_name_plural = _("claimed changes")
        constraints = [
            models.UniqueConstraint(
                fields=["adoption"],
                condition=Q(status="claimed"),
                name="adoption_one_claimed_change",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="adoption_change_stage"
            ),
            models.CheckConstraint(
                condition=Q(stage_since__gte=models.F("started_on")),
                name="adoption_change_stage_since_after_start",
            ),
        ]
        indexes = [
            # The verification queue: changes waiting, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(status="claimed"),
                name="adoption_change_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adoption}: {self.stage} ({self.status})"


class AdoptionStageChange(models.Model):
    """Append-only history of an adoption's verified states: one row each time a verified
    stage (or its date) takes effect."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage)
    stage_since = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.adoption}: {self.from_stage} → {self.to_stage}"


class Evaluation(models.Model):
    """What a municipality learned from an adoption, failed pilots included."""

    adoption = models.OneToOneField(Adoption, on_delete=models.CASCADE, related_name="evaluation")
    goals_met = models.CharField(_("goals met"), max_length=8, choices=GoalsMet)
    lessons_learned = models.TextField(_("lessons learned"), max_length=5000)
    would_recommend = models.BooleanField(_("would recommend"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.adoption}: {self.goals_met}"


class ShortlistItem(models.Model):
    """A buyer's private shortlist, one row per innovation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist_items"
    )
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "innovation"], name="shortlist_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.innovation}"


class ChallengeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ChallengeStatus.OPEN)


class Challenge(models.Model):
    """A municipality's problem, posted so that suppliers can answer it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="challenges"
    )
    title = models.CharField(_("title"), max_length=160)
    problem_statement = models.TextField(_("problem statement"), max_length=5000)
    domain = models.CharField(_("domain"), max_length=32, choices=Domain)
    status = models.CharField(
        _("status"), max_length=8, choices=ChallengeStatus, default=ChallengeStatus.OPEN
    )
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.title


class ChallengeResponse(models.Model):
    """A supplier's answer to a challenge with one of its approved innovations."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="responses")
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    pitch = models.TextField(_("pitch"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=12, choices=ResponseStatus, default=ResponseStatus.NEW
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "innovation"], name="challenge_response_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge}: {self.innovation}"
