"""API of the procurement routes, the thresholds and the route guide (public reads).
Texts come in the language of the request (Accept-Language; Dutch by default)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.countries import Country

from . import guide, selectors
from .enums import CoDevelopment, OnMarket, ValueBand
from .models import ProcurementRoute, RouteSource, Threshold


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = RouteSource
        fields = ["title", "publisher", "url"]


class FitSerializer(serializers.Serializer):
    maturity_min = serializers.IntegerField(min_value=1, max_value=9)
    maturity_max = serializers.IntegerField(min_value=1, max_value=9)
    on_market = serializers.ListField(child=serializers.ChoiceField(choices=OnMarket.choices))
    co_development = serializers.ChoiceField(choices=CoDevelopment.choices)
    value_min = serializers.ChoiceField(choices=ValueBand.choices)
    value_max = serializers.ChoiceField(choices=ValueBand.choices)
    countries = serializers.ListField(child=serializers.ChoiceField(choices=Country.choices))


class RouteBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(help_text="In the language of the request.")

    class Meta:
        model = ProcurementRoute
        fields = ["code", "name"]


class RouteSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    summary = serializers.CharField()
    fits = serializers.CharField(help_text="When it fits, in words.")
    steps = serializers.ListField(child=serializers.CharField())
    duration = serializers.CharField(help_text="Typical duration.")
    preparation = serializers.ListField(child=serializers.CharField(), help_text="What to prepare.")
    help_netherlands = serializers.CharField(help_text="Where to get help in the Netherlands.")
    help_flanders = serializers.CharField(help_text="Where to get help in Flanders.")
    fit = serializers.SerializerMethodField(help_text="When it fits, as the route guide reads it.")
    sources = SourceSerializer(many=True, help_text="The public sources the route is written from.")

    class Meta:
        model = ProcurementRoute
        fields = [
            "code",
            "name",
            "summary",
            "fits",
            "steps",
            "duration",
            "preparation",
            "help_netherlands",
            "help_flanders",
            "fit",
            "sources",
            "valid_from",
        ]

    @extend_schema_field(FitSerializer)
    def get_fit(self, route) -> dict:
        return {
            "maturity_min": route.maturity_min,
            "maturity_max": route.maturity_max,
            "on_market": route.on_market_values,
            "co_development": route.co_development,
            "value_min": route.value_min,
            "value_max": route.value_max,
            "countries": route.country_codes,
        }


class ThresholdSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    note = serializers.CharField()

    class Meta:
        model = Threshold
        fields = [
            "code",
            "jurisdiction",
            "kind",
            "name",
            "amount",
            "valid_from",
            "note",
            "source_title",
            "source_url",
        ]


class GuideQuerySerializer(serializers.Serializer):
    """The guide's five answers, as query keys (lowerCamelCase in the document and the
    address: estimatedValue, onMarket, coDevelopment; portal.api_middleware maps them)."""

    estimated_value = serializers.IntegerField(
        min_value=0,
        max_value=guide.MAX_VALUE,
        help_text="Estimated value over the whole term, in euros excluding VAT.",
    )
    on_market = serializers.ChoiceField(choices=OnMarket.choices)
    maturity = serializers.IntegerField(min_value=1, max_value=9, help_text="TRL, 1 to 9.")
    co_development = serializers.BooleanField(
        help_text="Does the solution need to be developed with the supplier?"
    )
    country = serializers.ChoiceField(choices=Country.choices)

    def answers(self) -> guide.Answers:
        data = self.validated_data
        return guide.Answers(
            value=data["estimated_value"],
            on_market=data["on_market"],
            maturity=data["maturity"],
            co_development=data["co_development"],
            country=data["country"],
        )


class RecommendationSerializer(serializers.Serializer):
    route = RouteSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    cautions = serializers.ListField(
        child=serializers.CharField(), help_text="Where the route fits the answers less well."
    )
    next_steps = serializers.ListField(child=serializers.CharField())


class OtherRouteSerializer(serializers.Serializer):
    route = RouteBriefSerializer()
    why_not = serializers.CharField()


class GuideResultSerializer(serializers.Serializer):
    value_band = serializers.ChoiceField(
        choices=ValueBand.choices,
        allow_null=True,
        help_text="The estimated value against the thresholds in force today (null when "
        "no thresholds are loaded).",
    )
    thresholds = ThresholdSerializer(many=True, help_text="The thresholds the guide used.")
    recommendations = RecommendationSerializer(many=True, help_text="One or two routes.")
    others = OtherRouteSerializer(many=True)


def guide_result_data(result: guide.GuideResult) -> dict:
    return {
        "value_band": result.band,
        "thresholds": result.thresholds,
        "recommendations": [
            {
                "route": item.route,
                "reasons": item.reasons,
                "cautions": item.cautions,
                "next_steps": item.route.steps,
            }
            for item in result.recommendations
        ],
        "others": [{"route": route, "why_not": why} for route, why in result.others],
    }


# --- Views --------------------------------------------------------------------------------


@extend_schema(tags=["procurement"])
class RouteListView(generics.ListAPIView):
    """The procurement routes, each with when it fits, its steps, duration, what to
    prepare, where to get help, and its sources."""

    serializer_class = RouteSerializer
    permission_classes = []
    filter_backends = []

    def get_queryset(self):
        return selectors.routes_for_display()


@extend_schema(tags=["procurement"])
class RouteDetailView(APIView):
    permission_classes = []

    @extend_schema(responses={200: RouteSerializer})
    def get(self, request, code):
        """One procurement route."""
        route = get_object_or_404(selectors.routes_for_display(), code=code)
        return Response(RouteSerializer(route).data)


@extend_schema(tags=["procurement"])
class ThresholdListView(generics.ListAPIView):
    """Every procurement threshold with its valid-from date and source, newest first per
    code: the amount in force on a day is the latest one valid from on or before it."""

    serializer_class = ThresholdSerializer
    permission_classes = []
    filter_backends = []
    queryset = Threshold.objects.all()


@extend_schema(tags=["procurement"])
class GuideView(APIView):
    permission_classes = []

    @extend_schema(
        parameters=[GuideQuerySerializer],
        responses={200: GuideResultSerializer},
    )
    def get(self, request):
        """The route guide: one or two recommended procurement routes for five answers,
        with the reasons and the next steps."""
        # A plain dict: from a QueryDict a missing boolean would read as "false".
        query = GuideQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        result = guide.recommend(query.answers())
        return Response(GuideResultSerializer(guide_result_data(result)).data)
