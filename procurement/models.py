"""Procurement routes and thresholds as data (edited by administrators, in Dutch and
English, each with its sources and the date it is valid from), and the support desk's
questions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from innovations.models import Innovation
from municipalities.models import Adoption, Challenge

from .enums import CoDevelopment, ContractKind, Jurisdiction, QuestionStatus, ValueBand

LANGUAGES = ("nl", "en")


def localized(obj, name: str) -> str:
    """The field `name` of `obj` in the active language (`name_en` under /en/), falling
    back to Dutch, the portal's default, when the English text is empty."""
    language = (translation.get_language() or "nl")[:2]
    if language not in LANGUAGES:
        language = "nl"
    return getattr(obj, f"{name}_{language}") or getattr(obj, f"{name}_nl")


class ProcurementRouteQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ProcurementRoute(models.Model):
    """One way to buy an innovation, with when it fits (also read by the route guide)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    summary_nl = models.TextField(_("summary (Dutch)"), max_length=1000)
    summary_en = models.TextField(_("summary (English)"), max_length=1000)
    fits_nl = models.TextField(_("when it fits (Dutch)"), max_length=3000)
    fits_en = models.TextField(_("when it fits (English)"), max_length=3000)
    steps_nl = models.TextField(
        _("steps (Dutch)"), max_length=5000, help_text=_("One step per line.")
    )
    steps_en = models.TextField(
        _("steps (English)"), max_length=5000, help_text=_("One step per line.")
    )
    duration_nl = models.CharField(_("typical duration (Dutch)"), max_length=200)
    duration_en = models.CharField(_("typical duration (English)"), max_length=200)
    preparation_nl = models.TextField(
        _("what to prepare (Dutch)"), max_length=3000, help_text=_("One item per line.")
    )
    preparation_en = models.TextField(
        _("what to prepare (English)"), max_length=3000, help_text=_("One item per line.")
    )
    help_netherlands_nl = models.TextField(
        _("where to get help in the Netherlands (Dutch)"), max_length=2000, blank=True
    )
    help_netherlands_en = models.TextField(
        _("where to get help in the Netherlands (English)"), max_length=2000, blank=True
    )
    help_flanders_nl = models.TextField(
        _("where to get help in Flanders (Dutch)"), max_length=2000, blank=True
    )
    help_flanders_en = models.TextField(
        _("where to get help in Flanders (English)"), max_length=2000, blank=True
    )
    # When it fits, as data the route guide reads (procurement.guide).
    maturity_min = models.PositiveSmallIntegerField(
        _("lowest maturity (TRL)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    maturity_max = models.PositiveSmallIntegerField(
        _("highest maturity (TRL)"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    on_market = models.CharField(
        _("fits when the solution is on the market"),
        max_length=40,
        help_text=_("Comma-separated: yes, partly, no, unknown."),
    )
    co_development = models.CharField(
        _("co-development"), max_length=10, choices=CoDevelopment, default=CoDevelopment.EITHER
    )
    value_min = models.CharField(
        _("lowest value band"), max_length=10, choices=ValueBand, default=ValueBand.SMALL
    )
    value_max = models.CharField(
        _("highest value band"), max_length=10, choices=ValueBand, default=ValueBand.ABOVE_EU
    )
    countries = models.CharField(
        _("countries"), max_length=10, default="NL,BE", help_text=_("Comma-separated: NL, BE.")
    )
    valid_from = models.DateField(_("valid from"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProcurementRouteQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("procurement route")
        verbose_name_plural = _("procurement routes")
        constraints = [
            models.CheckConstraint(
                condition=Q(maturity_min__gte=1, maturity_max__lte=9)
                & Q(maturity_min__lte=models.F("maturity_max")),
                name="route_maturity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def fits(self) -> str:
        return localized(self, "fits")

    @property
    def steps(self) -> list[str]:
        return _lines(localized(self, "steps"))

    @property
    def duration(self) -> str:
        return localized(self, "duration")

    @property
    def preparation(self) -> list[str]:
        return _lines(localized(self, "preparation"))

    @property
    def help_netherlands(self) -> str:
        return localized(self, "help_netherlands")

    @property
    def help_flanders(self) -> str:
        return localized(self, "help_flanders")

    @property
    def on_market_values(self) -> list[str]:
        return [v.strip() for v in self.on_market.split(",") if v.strip()]

    @property
    def country_codes(self) -> list[str]:
        return [v.strip().upper() for v in self.countries.split(",") if v.strip()]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RouteSource(models.Model):
    """A public source a route is written from, named on the route's page."""

    route = models.ForeignKey(ProcurementRoute, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=120)
    url = models.URLField(_("address"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"


class ThresholdQuerySet(models.QuerySet):
    def in_force(self, code: str, on):
        """The row of `code` in force on date `on`: the latest one valid from on or before it."""
        return self.filter(code=code, valid_from__lte=on).order_by("-valid_from").first()


class Threshold(models.Model):
    """A procurement threshold, dated: a new amount is a new row with its own valid-from
    date, so that the history stays and the guide uses the amount in force."""

    code = models.SlugField(_("code"), max_length=60)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, choices=Jurisdiction)
    kind = models.CharField(_("kind of contract"), max_length=20, choices=ContractKind)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount in euros, excluding VAT"))
    valid_from = models.DateField(_("valid from"))
    note_nl = models.TextField(_("note (Dutch)"), max_length=1000, blank=True)
    note_en = models.TextField(_("note (English)"), max_length=1000, blank=True)
    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction", "code", "-valid_from"]
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="threshold_code_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%Y-%m-%d})"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def note(self) -> str:
        return localized(self, "note")


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True).exclude(status=QuestionStatus.OPEN)


class Question(models.Model):
    """A buyer's question to the support desk about one innovation, challenge or route."""

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_questions"
    )
    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    route = models.ForeignKey(
        ProcurementRoute, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("question in one line"), max_length=200)
    body = models.TextField(_("details"), max_length=5000, blank=True)
    publish_consent = models.BooleanField(
        _("may be published without my name once answered"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus, default=QuestionStatus.OPEN
    )
    answer = models.TextField(_("answer"), max_length=10000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Published in the public questions and answers: only with the asker's consent, and as
    # the adviser worded it there (without names or other details that identify the asker).
    is_published = models.BooleanField(_("published"), default=False)
    public_title = models.CharField(_("published question"), max_length=200, blank=True)
    public_body = models.TextField(_("published details"), max_length=5000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        permissions = [("answer_question", "Can answer support desk questions (adviser)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
            # About exactly one thing.
            models.CheckConstraint(
                condition=(
                    Q(innovation__isnull=False, challenge__isnull=True, route__isnull=True)
                    | Q(innovation__isnull=True, challenge__isnull=False, route__isnull=True)
                    | Q(innovation__isnull=True, challenge__isnull=True, route__isnull=False)
                ),
                name="question_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(publish_consent=True),
                name="question_published_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="question_queue")]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self):
        return self.innovation or self.challenge or self.route

    @property
    def subject_kind(self) -> str:
        if self.innovation_id:
            return "innovation"
        if self.challenge_id:
            return "challenge"
        return "route"


class ScaleUpPlan(models.Model):
    """A buyer's plan for scaling a pilot up (PIANOo's fourth recommendation to launching
    customers): what the pilot should show, when the municipality decides, and what scaling
    would take. One per adoption; it stays readable after the pilot moved on."""

    adoption = models.OneToOneField(
        Adoption, on_delete=models.CASCADE, related_name="scale_up_plan"
    )
    goal = models.TextField(_("goal of the pilot"), max_length=2000)
    success_criteria = models.TextField(_("success criteria"), max_length=3000)
    decision_on = models.DateField(_("decision date"))
    budget = models.CharField(_("budget for scaling"), max_length=300, blank=True)
    route = models.ForeignKey(
        ProcurementRoute,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("procurement route for scaling"),
    )
    partners = models.TextField(_("partners"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scale-up plan")
        verbose_name_plural = _("scale-up plans")
        indexes = [models.Index(fields=["decision_on"], name="scaleup_decision")]

    def __str__(self) -> str:
        return f"{self.adoption}: {self.decision_on:%Y-%m-%d}"


class PilotReminder(models.Model):
    """When the buyers of a pilot were last reminded that a decision is due; the beat task
    claims a reminder by a conditional UPDATE on this row, so it mails at most once per
    period however often, and however many at once, it runs."""

    adoption = models.OneToOneField(Adoption, on_delete=models.CASCADE, related_name="+")
    last_sent_on = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pilot reminder")
        verbose_name_plural = _("pilot reminders")

    def __str__(self) -> str:
        return f"{self.adoption_id}: {self.last_sent_on}"
