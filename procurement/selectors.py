"""Reads of procurement routes, thresholds and published questions."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ProcurementRoute, Question, Threshold


def routes_for_display() -> QuerySet[ProcurementRoute]:
    return ProcurementRoute.objects.active().prefetch_related("sources")


def thresholds_in_force(on: datetime.date | None = None) -> list[Threshold]:
    """For each threshold code the row in force on `on` (today), by jurisdiction."""
    on = on or timezone.localdate()
    latest: dict[str, Threshold] = {}
    for row in Threshold.objects.filter(valid_from__lte=on).order_by("code", "-valid_from"):
        latest.setdefault(row.code, row)
    return sorted(
        latest.values(), key=lambda t: ({"EU": 0, "NL": 1, "BE": 2}[t.jurisdiction], t.code)
    )


def published_questions(query: str = "") -> QuerySet[Question]:
    """Answered questions published with the asker's consent, newest answer first,
    matching `query` in the published question or the answer."""
    queryset = (
        Question.objects.published()
        .select_related("innovation", "challenge", "route")
        .order_by("-answered_at", "-id")
    )
    for word in query.split()[:8]:
        queryset = queryset.filter(
            Q(public_title__icontains=word)
            | Q(public_body__icontains=word)
            | Q(answer__icontains=word)
        )
    return queryset
