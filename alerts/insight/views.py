"""A supplier's insight pages: this month for every own innovation, and one innovation's
months as a chart, a table and a CSV file."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import access
from ..enums import Metric
from ..views import _role_required
from . import selectors
from .aggregate import insight_flush

supplier_required = _role_required(access.may_see_insight)


FLUSHED_KEY = "alerts:insight:flushed"


def fresh() -> None:
    """Without Redis (the embedded default: one process, no beat) the counts live in this
    process until flushed: flush them before showing them, at most once a minute. With
    Redis, beat flushes every ten minutes."""
    if not settings.REDIS_URL and cache.add(FLUSHED_KEY, True, 60):
        insight_flush()


@require_GET
@supplier_required
def insight_overview(request):
    fresh()
    rows = selectors.this_month(access.insight_innovations(request.user))
    return render(
        request,
        "alerts/insight.html",
        {"rows": rows, "metrics": Metric.choices, "month": selectors.last_months(1)[0]},
    )


@require_GET
@supplier_required
def insight_detail(request, pk):
    innovation = access.insight_innovation(request.user, pk)
    fresh()
    rows = selectors.innovation_months(innovation)
    return render(
        request,
        "alerts/insight_detail.html",
        {
            "innovation": innovation,
            "rows": rows,
            "metrics": Metric.choices,
            "chart": selectors.bar_chart(rows),
        },
    )


@require_GET
@supplier_required
def insight_csv(request, pk):
    innovation = access.insight_innovation(request.user, pk)
    fresh()
    body = selectors.as_csv(innovation, selectors.innovation_months(innovation))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insight-{innovation.slug}.csv"'
    return response


@require_GET
@supplier_required
def insight_csv_all(request):
    """Every own published innovation, every month of the last twelve."""
    fresh()
    innovations = list(access.insight_innovations(request.user).order_by("title", "pk"))
    body = selectors.as_csv_many(innovations, selectors.last_months())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="insight.csv"'
    return response
