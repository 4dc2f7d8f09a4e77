from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.enums import SizeClass
from municipalities.models import Municipality

# Points and scores are stored as whole millionths of a point, so that summing them is
# exact integer arithmetic: the same board whatever order the rows are added in.
MICRO = 1_000_000


def from_micro(value: int | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) / MICRO).quantize(Decimal("0.000001"))


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly schedule")
    ADMIN = "admin", _("Administrator")
    COMMAND = "command", _("Management command")
    DEMO = "demo", _("Demo data")


class PerformanceGroup(models.TextChoices):
    """Groups by the rule on the rank intervals (ranking.groups), best first."""

    KOPLOPER = "koploper", _("Koploper")
    STRONG = "strong", _("Strong follower")
    FOLLOWER = "follower", _("Follower")
    STARTER = "starter", _("Starter")


class RankingRunQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=RunStatus.PUBLISHED)

    def current(self):
        """The published board readers see (at most one row)."""
        return self.filter(is_current=True)


class RankingRun(models.Model):
    """One computation of the leaderboard, with the formula and parameters it used.

    A run is written while `running`, then published by flipping `is_current` in the same
    transaction that wrote its rows; failed runs keep their error. The partial unique
    constraints make "one run at a time" and "one current board" database facts."""

    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus, default=RunStatus.RUNNING
    )
    is_current = models.BooleanField(_("current board"), default=False)
    trigger = models.CharField(_("started by"), max_length=10, choices=RunTrigger)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    reference_date = models.DateField(_("reference date"))
    formula_version = models.CharField(_("formula version"), max_length=10)
    parameters = models.JSONField(_("parameters"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A worker that dies mid-run cannot clear its status; once the lease has expired
    # the next run marks it failed and takes over.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    # The Celery task that computes it: a task delivered again (its worker was killed)
    # takes over its own unfinished run, or returns the run it already published.
    task_id = models.CharField(_("task"), max_length=255, blank=True, default="")
    previous_run = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compared with run"),
    )
    # The uncertainty and sensitivity analysis (ranking.sensitivity): the draws' settings and
    # seed, and the results the methodology page shows.
    sensitivity = models.JSONField(_("sensitivity analysis"), default=dict, blank=True)
    contribution_count = models.PositiveIntegerField(_("adoptions scored"), default=0)
    entry_count = models.PositiveIntegerField(_("municipalities ranked"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects = RankingRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="running"),
                name="ranking_one_running_run",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="ranking_one_current_run",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="published"),
                name="ranking_current_is_published",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["running", "published", "failed"]),
                name="ranking_run_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "reference_date"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.reference_date} ({self.status})"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class RankingEntry(models.Model):
    """One municipality on the board of one run."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="entries")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="ranking_entries"
    )
    # Display order: score, then number of innovations, then name (ranks may tie).
    position = models.PositiveIntegerField()
    rank = models.PositiveIntegerField(_("rank"))
    score_micro = models.BigIntegerField()
    size_class = models.CharField(_("size class"), max_length=12, choices=SizeClass)
    size_class_rank = models.PositiveIntegerField(_("rank in size class"))
    population = models.PositiveIntegerField(_("population"))
    score_per_10k = models.FloatField(_("points per 10,000 inhabitants"), null=True)
    adoption_count = models.PositiveIntegerField(_("adoptions"))
    innovation_count = models.PositiveIntegerField(_("innovations"))
    launching_customer_count = models.PositiveIntegerField(_("launching customer"))
    is_koploper = models.BooleanField(_("Koploper"))
    # NULL: not on the previous board (or there was none).
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True)
    # Rank by points per 10,000 inhabitants (standard competition ranking).
    rank_per_10k = models.PositiveIntegerField(_("rank per 10,000 inhabitants"), null=True)
    # How sure the rank is (ranking.sensitivity): median and 5–95% interval of the rank over
    # the draws, overall and within the size class; the interval contains `rank`.
    rank_low = models.PositiveIntegerField(_("best rank (5%)"), null=True)
    rank_median = models.PositiveIntegerField(_("median rank"), null=True)
    rank_high = models.PositiveIntegerField(_("worst rank (95%)"), null=True)
    size_class_rank_low = models.PositiveIntegerField(_("best rank in size class"), null=True)
    size_class_rank_median = models.PositiveIntegerField(_("median rank in size class"), null=True)
    size_class_rank_high = models.PositiveIntegerField(_("worst rank in size class"), null=True)
    performance_group = models.CharField(
        _("performance group"), max_length=10, choices=PerformanceGroup, blank=True
    )

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(fields=["run", "municipality"], name="ranking_entry_unique"),
            models.UniqueConstraint(fields=["run", "position"], name="ranking_entry_position"),
        ]
        indexes = [models.Index(fields=["municipality", "run"])]

    def __str__(self) -> str:
        return f"run {self.run_id}: {self.rank}. {self.municipality_id}"

    @property
    def score(self) -> Decimal:
        return from_micro(self.score_micro)

    @property
    def movement(self) -> int | None:
        """Places gained (positive) or lost (negative) since the previous board."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def places_moved(self) -> int:
        return abs(self.movement or 0)

    @property
    def has_interval(self) -> bool:
        return self.rank_low is not None and self.rank_high is not None
