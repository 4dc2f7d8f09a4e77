import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.countries import Country

from .enums import (
    VETTING_NOTES,
    Criterion,
    Decision,
    Domain,
    Reconfirmation,
    Route,
    Status,
    SupplierSize,
    domain_codes,
)


class Supplier(models.Model):
    """An organisation that offers innovations."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    registration_number = models.CharField(
        _("chamber of commerce / enterprise number"), max_length=20, blank=True
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country, default=Country.NL)
    size = models.CharField(_("size"), max_length=8, choices=SupplierSize, default=SupplierSize.SME)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A member's change of the name or the registration number waits here until a reviewer
    # accepts it (innovations.organisation_changes): what the public sees next to the
    # approved innovations must not pass for another organisation's. Set: a change waits.
    change_requested_at = models.DateTimeField(_("change requested at"), null=True, blank=True)
    pending_name = models.CharField(_("requested name"), max_length=200, blank=True)
    pending_registration_number = models.CharField(
        _("requested chamber of commerce / enterprise number"), max_length=20, blank=True
    )
    change_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change requested by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="supplier_registration_number_unique",
                violation_error_message=_(
                    "An organisation with this number is already registered. Ask a colleague "
                    "or an administrator to add you to it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupplierMember(models.Model):
    """Ties a user to the one supplier organisation they work for."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_membership"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier member")
        verbose_name_plural = _("supplier members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.supplier}"


class DomainTag(models.Model):
    """One of the fixed policy domains; rows are created by a data migration."""

    code = models.CharField(max_length=32, primary_key=True, choices=Domain)

    class Meta:
        ordering = ["code"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return str(Domain(self.code).label)


class InnovationQuerySet(models.QuerySet):
    def approved(self):
        """Published innovations: approved, and not a pending revision of another one."""
        return self.filter(status=Status.APPROVED, revision_of__isnull=True)

    def current(self):
        """Published innovations whose approval is valid: what the catalogue shows by
        default and what suggestions draw from. One whose approval expired (to be
        reconfirmed) keeps its page and its adopters, but leaves these."""
        return self.approved().filter(reconfirmation=Reconfirmation.CURRENT)

    def for_supplier(self, supplier):
        return self.filter(supplier=supplier)


# What a supplier writes of an innovation, in form order: the form, the API, the edit
# service and the publication of a revision all take these.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "domains",
    "route",
    "maturity",
    "price_indication",
    "evidence",
    "references",
    "contact_name",
    "contact_email",
)
# The same without the domains (a relation): the columns a revision copies.
CONTENT_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "domains")


PUBLISHED = Q(status="approved", revision_of__isnull=True)


class Innovation(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="innovations")
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    domains = models.ManyToManyField(
        DomainTag, verbose_name=_("domains"), related_name="innovations", blank=True
    )
    route = models.CharField(_("procurement route"), max_length=20, choices=Route, blank=True)
    maturity = models.PositiveSmallIntegerField(
        _("maturity (TRL)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Technology readiness level, 1 to 9."),
    )
    price_indication = models.CharField(_("price indication"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence"), max_length=5000, blank=True)
    references = models.TextField(_("references"), max_length=5000, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_innovations",
        verbose_name=_("assigned reviewer"),
    )
    # An edit of an approved innovation is a separate row that goes through review while
    # the approved original stays published; approval copies it onto the original.
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("revision of"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Vetting expires (innovations/vetting.py): the approval holds until this date; then the
    # innovation is to be reconfirmed. Changed only by workflow.innovation_transition.
    approved_until = models.DateField(_("approval valid until"), null=True, blank=True)
    reconfirmation = models.CharField(
        _("reconfirmation"), max_length=10, choices=Reconfirmation, blank=True, default=""
    )
    # The reminders sent before the approval ends: the fewest days before it of the ones
    # sent in this approval period (so that each is sent once). Cleared by a new approval.
    expiry_reminded_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # PostgreSQL only (Dutch configuration). The catalogue searches copies of both in its
    # narrow rows (listing.Listing, imported at the end of this module).
    search_vector = SearchVectorField(null=True, editable=False)
    # Title and summary only, kept by the same trigger: what search results are ranked by; a
    # match only in the description or the supplier's name comes after those, newest first.
    rank_vector = SearchVectorField(null=True, editable=False)
    # What the catalogue shows and filters on about the innovation's use, kept by the app
    # that owns adoptions (adoption_facts.innovation_adoption_facts_set, in the transaction
    # that changes a verified adoption), so that the catalogue never reads adoptions: the
    # number of verified adoptions, and the ISO 3166-2 codes of the adopters' provinces.
    adoption_count = models.PositiveIntegerField(_("verified adoptions"), default=0, editable=False)
    adopter_provinces = models.JSONField(
        _("provinces of the verified adopters"), default=list, blank=True, editable=False
    )
    # The same provinces as bits (bit n: the n-th of enums.Province), which the facet counts
    # test in one pass (innovations/facets.py): far cheaper than taking the JSON list apart.
    adopter_province_mask = models.PositiveIntegerField(default=0, editable=False)
    # The innovation's domains as bits (bit n: the n-th of enums.Domain), kept with the
    # domain links by the services that set them (services.innovation_domains_set): the
    # domain filter is a bit test and the domain facet a sum of bits in the same pass over
    # the covering index as the other facets, instead of a join with the link table.
    domain_mask = models.PositiveIntegerField(default=0, editable=False)
    # The supplier's size for the facets, kept by services.innovation_supplier_size_sync.
    supplier_size = models.CharField(max_length=8, blank=True, default="", editable=False)

    objects = InnovationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        permissions = [("review_innovation", "Can review innovations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(maturity__isnull=True) | Q(maturity__gte=1, maturity__lte=9),
                name="innovation_maturity_1_9",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="innovation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(reconfirmation__in=Reconfirmation.values),
                name="innovation_reconfirmation_valid",
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(revision_of__isnull=False)
                & Q(status__in=["draft", "submitted", "in_review", "changes_requested"]),
                name="innovation_one_open_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The catalogue's default order (newest published first) over the published
            # innovations only: its first page and its count read this index alone. On
            # PostgreSQL it also carries what the facets count (a covering index), so the
            # facet counts over the whole catalogue are an index-only scan of ~13 MB instead
            # of a scan of the ~170 MB table (docs/performance.md).
            models.Index(
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                condition=Q(status="approved", revision_of__isnull=True),
                include=[
                    "route",
                    "maturity",
                    "supplier_size",
                    "adoption_count",
                    "adopter_province_mask",
                    "reconfirmation",
                    "domain_mask",
                ],
                name="innovation_published_facets",
            ),
            # Whether an innovation is published, read from the index alone: counting or
            # ordering a municipality's adoptions checks it for thousands of innovations.
            models.Index(fields=["id"], condition=PUBLISHED, name="innovation_published_ids"),
            # "Most adopted first".
            models.Index(
                F("adoption_count").desc(),
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                condition=Q(status="approved", revision_of__isnull=True),
                name="innovation_most_adopted",
            ),
            models.Index(
                fields=["title", "id"], condition=PUBLISHED, name="innovation_published_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def domain_tags(self) -> list[DomainTag]:
        """The domains as `domains.all()` gives them, from `domain_mask` (no query)."""
        return [DomainTag(code=code) for code in self.domain_codes]

    @property
    def domain_codes(self) -> list[str]:
        return domain_codes(self.domain_mask)


class Review(models.Model):
    """One reviewer's scores and decision on one round of an innovation."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    novelty = models.PositiveSmallIntegerField(
        Criterion.NOVELTY.label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    evidence = models.PositiveSmallIntegerField(
        Criterion.EVIDENCE.label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    public_value = models.PositiveSmallIntegerField(
        Criterion.PUBLIC_VALUE.label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    fit = models.PositiveSmallIntegerField(
        Criterion.FIT.label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision)
    feedback = models.TextField(_("feedback for the supplier"), max_length=5000, blank=True)
    internal_note = models.TextField(_("internal note"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(novelty__gte=1, novelty__lte=5)
                & Q(evidence__gte=1, evidence__lte=5)
                & Q(public_value__gte=1, public_value__lte=5)
                & Q(fit__gte=1, fit__lte=5),
                name="review_scores_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.innovation} – {self.reviewer} – {self.decision}"


class StatusChange(models.Model):
    """Append-only history of every status change of an innovation."""

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="status_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    # What a person wrote (a reviewer's feedback), shown as written.
    reason = models.TextField(blank=True)
    # What the system notes, as its English source text (marked with gettext_noop) and its
    # values: translated when shown, into the reader's language, not the actor's.
    system_note = models.CharField(max_length=200, blank=True)
    system_note_values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.innovation}: {self.from_status} → {self.to_status}"

    @property
    def note(self) -> str:
        """The note in the reader's language: the system's note, translated now, and what
        the person wrote."""
        if self.system_note:
            note = gettext(self.system_note) % _readable(self.system_note_values)
            return f"{note}\n{self.reason}" if self.reason else note
        return self.reason

    @property
    def is_reconfirmation(self) -> bool:
        """A step of the reconfirmation of an approval that ended (innovations/vetting.py)."""
        return self.system_note in VETTING_NOTES.values()


def _readable(values: dict) -> dict:
    """A note's values as the reader reads them: an ISO date (stored so) in the reader's
    date format."""
    readable = {}
    for name, value in values.items():
        if name == "date" and isinstance(value, str):
            try:
                value = date_format(datetime.date.fromisoformat(value))
            except ValueError:
                pass
        readable[name] = value
    return readable


from .listing import Listing  # noqa: E402, F401 - registered with the models
