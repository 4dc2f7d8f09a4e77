"""Dashboard sections this app offers; portal renders them (portal.views.dashboard)."""

from innovations.access import supplier_for

from .access import (
    insight_innovations,
    may_follow_challenges,
    may_follow_innovations,
    may_save_searches,
)
from .enums import Metric
from .insight import selectors as insight
from .models import Follow, SavedSearch


def sections(request) -> list[dict]:
    user = request.user
    result = []
    if supplier_for(user) is not None:
        totals = insight.supplier_totals(insight_innovations(user), insight.last_months())
        result.append(
            {
                "template": "alerts/_dashboard_insight.html",
                "rows": totals,
                "chart": insight.bar_chart(totals),
                "month": totals[-1],
                "metrics": Metric.choices,
            }
        )
    if may_save_searches(user) or may_follow_challenges(user):
        result.append(
            {
                "template": "alerts/_dashboard_alerts.html",
                "searches": SavedSearch.objects.filter(user=user).count()
                if may_save_searches(user)
                else None,
                "follows": Follow.objects.filter(user=user).count(),
                # A supplier follows challenges only: the count says so.
                "follows_innovations": may_follow_innovations(user),
            }
        )
    return result
