"""Dashboard sections this app offers to the signed-in user; portal renders them.

Each section is a dict with "template" (included by portal/dashboard.html) and any
context that template needs."""

from decimal import Decimal

from django.urls import reverse

from municipalities.access import buyer_municipality

from . import selectors
from .models import RankingRun, RunStatus


def sections(request) -> list[dict]:
    user = request.user
    result = []
    municipality = buyer_municipality(user)
    if municipality is not None:
        entry = selectors.current_entry(municipality)
        result.append(
            {
                "template": "ranking/_dashboard_buyer.html",
                "municipality": municipality,
                "entry": entry,
                "run": entry.run if entry else selectors.current_run(),
            }
        )
    if user.is_superuser:
        result.append(
            {
                "template": "ranking/_dashboard_admin.html",
                "latest": RankingRun.objects.order_by("-started_at", "-id").first(),
                "current": selectors.current_run(),
                "failed_recently": RankingRun.objects.filter(status=RunStatus.FAILED)
                .order_by("-started_at")
                .first(),
            }
        )
    return result


def home_highlights(limit: int = 5) -> list[dict]:
    """The leading municipalities of the current board, for the home page."""
    return [
        {
            "url": reverse("ranking:scorecard", args=[entry.municipality.slug]),
            "name": entry.municipality.name,
            "score": entry.score.quantize(Decimal("0.01")),
            "rank": entry.rank,
        }
        for entry in selectors.leaders(limit)
    ]
