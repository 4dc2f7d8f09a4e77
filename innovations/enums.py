from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Domain(models.TextChoices):
    ENERGY = "energy", _("Energy")
    CARE = "care", _("Care and welfare")
    MOBILITY = "mobility", _("Mobility")
    CIRCULAR_ECONOMY = "circular-economy", _("Circular economy")
    HOUSING = "housing", _("Housing")
    SAFETY = "safety", _("Safety")
    DIGITAL_SERVICES = "digital-services", _("Digital services")
    CLIMATE_ADAPTATION = "climate-adaptation", _("Climate adaptation")
    EDUCATION = "education", _("Education")
    INDUSTRY_4_0 = "industry-4-0", _("Industry 4.0")


class Route(models.TextChoices):
    MARKET_READY = "market-ready", _("Market-ready (public procurement of innovation)")
    NEEDS_DEVELOPMENT = "needs-development", _("Needs development (pre-commercial procurement)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Reconfirmation(models.TextChoices):
    """Where an approved innovation stands with its reconfirmation (vetting expires: see
    innovations/vetting.py). Empty while the approval is valid."""

    CURRENT = "", _("Approval valid")
    DUE = "due", _("To be reconfirmed")
    CONFIRMED = "confirmed", _("Confirmed by the supplier, awaiting a reviewer")


# The history's notes of the reconfirmation steps (innovations/vetting.py), as source text.
VETTING_NOTES = {
    "expire": gettext_noop("The approval ended on %(date)s: to be reconfirmed."),
    "confirm_current": gettext_noop("The supplier confirmed that the text is current."),
    "reconfirm": gettext_noop("Reconfirmed: the approval is valid until %(date)s."),
    "reconfirm_request_changes": gettext_noop("Reconfirmation: the reviewer asks for changes."),
}


class Criterion(models.TextChoices):
    """The four criteria of the published review rubric: the one place they are named (the
    review form, the innovation page, the comparison, the supplier's view, the admin)."""

    NOVELTY = "novelty", _("Novelty")
    EVIDENCE = "evidence", _("Evidence and maturity")
    PUBLIC_VALUE = "public_value", _("Public value and sustainability")
    FIT = "fit", _("Fit and scalability for municipalities")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    REJECT = "reject", _("Reject")


class SupplierSize(models.TextChoices):
    # Values follow the Open Contracting Data Standard's organisation scale codelist.
    MICRO = "micro", _("Micro (fewer than 10 employees)")
    SME = "sme", _("SME (10 to 249 employees)")
    LARGE = "large", _("Large (250 employees or more)")


def domain_mask(codes) -> int:
    """The domains `codes` as bits: bit n for the n-th member of Domain. New domains are
    only ever appended, so stored masks keep their meaning."""
    order = {code: n for n, code in enumerate(Domain.values)}
    return sum(1 << order[code] for code in set(codes) if code in order)


def domain_codes(mask: int) -> list[str]:
    """The domain codes of the bits of `mask` (see domain_mask), sorted."""
    return sorted(code for n, code in enumerate(Domain.values) if mask >> n & 1)
