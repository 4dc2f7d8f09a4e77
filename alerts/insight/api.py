"""API of supplier insight: the numbers of the dashboard's chart, table and CSV, per own
published innovation and month (the last twelve, oldest first). Other suppliers' and
unpublished innovations are 404; callers who are no supplier 403."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from innovations.api.common import IsSupplier

from .. import access
from ..enums import Metric
from . import selectors
from .views import fresh

METRIC_HELP = {
    Metric.VIEWS: "Page views: one per visitor per day, bots left out.",
    Metric.SHORTLISTS: "Times added to a buyer's shortlist.",
    Metric.COMPARISONS: "Times compared with other innovations (one per visitor per day).",
    Metric.SUGGESTIONS: "Times shown as a suggestion on a challenge's page.",
    Metric.CLAIMS: "Adoptions claimed by municipalities.",
    Metric.VERIFICATIONS: "Adoptions verified by a reviewer.",
    Metric.FOLLOWERS: "Buyers following it (at the end of the month; this month: now).",
}


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM.")
    views = serializers.IntegerField(min_value=0, help_text=METRIC_HELP[Metric.VIEWS])
    shortlists = serializers.IntegerField(min_value=0, help_text=METRIC_HELP[Metric.SHORTLISTS])
    comparisons = serializers.IntegerField(min_value=0, help_text=METRIC_HELP[Metric.COMPARISONS])
    suggestions = serializers.IntegerField(min_value=0, help_text=METRIC_HELP[Metric.SUGGESTIONS])
    claims = serializers.IntegerField(min_value=0, help_text=METRIC_HELP[Metric.CLAIMS])
    verifications = serializers.IntegerField(
        min_value=0, help_text=METRIC_HELP[Metric.VERIFICATIONS]
    )
    followers = serializers.IntegerField(min_value=0, help_text=METRIC_HELP[Metric.FOLLOWERS])


class InsightInnovationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class InsightSerializer(serializers.Serializer):
    innovation = InsightInnovationSerializer()
    months = MonthSerializer(many=True, help_text="The last twelve months, oldest first.")


def _months(rows: list[dict]) -> list[dict]:
    return [{**row, "month": row["month"].strftime("%Y-%m")} for row in rows]


@extend_schema(tags=["supplier insight"])
class InsightListView(generics.ListAPIView):
    """Insight of each of the caller's published innovations, by title: per month, page
    views, shortlist additions, comparisons, times shown as a challenge suggestion,
    adoption claims and verifications, and followers (README, "What is counted")."""

    permission_classes = [IsSupplier]
    serializer_class = InsightSerializer
    filter_backends = []

    def get_queryset(self):
        return access.insight_innovations(self.request.user).order_by("title", "pk")

    def list(self, request, *args, **kwargs):
        fresh()
        page = self.paginate_queryset(self.get_queryset())
        months = selectors.last_months()
        table = selectors.monthly([innovation.pk for innovation in page], months)
        data = [
            {
                "innovation": innovation,
                "months": _months(
                    [{"month": month, **table[innovation.pk][month]} for month in months]
                ),
            }
            for innovation in page
        ]
        return self.get_paginated_response(InsightSerializer(data, many=True).data)


@extend_schema(tags=["supplier insight"])
class InsightDetailView(APIView):
    permission_classes = [IsSupplier]

    @extend_schema(responses={200: InsightSerializer})
    def get(self, request, pk):
        """One own published innovation's insight, month by month."""
        innovation = access.insight_innovation(request.user, pk)
        fresh()
        data = {
            "innovation": innovation,
            "months": _months(selectors.innovation_months(innovation)),
        }
        return Response(InsightSerializer(data).data)
