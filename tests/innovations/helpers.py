"""Shared helpers of the workflow tests (a module, not a conftest, so that the catalogue
tests in this folder are untouched)."""

import datetime

from django.utils import timezone

from innovations.enums import Status
from tests.factories import InnovationFactory

SCORES = {"novelty": 4, "evidence": 3, "public_value": 5, "fit": 4}


def innovation_in(status: str, **kwargs):
    """A complete innovation in `status`, with the timestamps that state implies."""
    now = timezone.now()
    defaults = {
        "status": status,
        "submitted_at": None if status == Status.DRAFT else now - datetime.timedelta(days=3),
        "published_at": now if status in (Status.APPROVED, Status.WITHDRAWN) else None,
    }
    defaults.update(kwargs)
    return InnovationFactory(**defaults)


def ensure_domain_tags() -> None:
    """Transactional tests flush every table afterwards, the DomainTag rows of the data
    migration included; tests with transaction=True restore them first."""
    from innovations.enums import Domain
    from innovations.models import DomainTag

    for code in Domain.values:
        DomainTag.objects.get_or_create(code=code)
