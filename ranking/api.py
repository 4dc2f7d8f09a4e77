"""API of the ranking (DESIGN.md, API contract v1): the current board, the published runs,
and one municipality with its verified adoptions and current rank (here, because it needs
the rank and nothing may import ranking)."""

import django_filters
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers

from municipalities.api.municipalities import MunicipalitySerializer
from municipalities.filters import (
    country_filter,
    province_filter,
    region_filter,
    size_class_filter,
)
from municipalities.models import Adoption, Municipality

from .models import PerformanceGroup, RankingEntry, RankingRun
from .selectors import ORDERINGS, UNKNOWN_ORDERING, current_entry

# --- Serializers --------------------------------------------------------------------------


class MunicipalityRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["code", "name"]


def _count(**kwargs):
    # Declared, not derived from the model: a PositiveIntegerField's bounds depend on the
    # database (SQLite or PostgreSQL), and the schema must not.
    return serializers.IntegerField(min_value=0, read_only=True, **kwargs)


def _rank(help_text: str):
    return serializers.IntegerField(
        min_value=1, read_only=True, allow_null=True, help_text=help_text
    )


class IntervalFieldsMixin(serializers.Serializer):
    """How sure the rank is (ranking.sensitivity); null when there is no interval."""

    rank_low = _rank("Best end of the 5–95% rank interval over the sensitivity draws.")
    rank_median = _rank("Median rank over the sensitivity draws.")
    rank_high = _rank("Worst end of the 5–95% rank interval over the sensitivity draws.")
    size_class_rank_low = _rank("Best end of the rank interval within the size class.")
    size_class_rank_median = _rank("Median rank within the size class over the draws.")
    size_class_rank_high = _rank("Worst end of the rank interval within the size class.")
    rank_per_10k = _rank("Rank by points per 10,000 inhabitants.")
    performance_group = serializers.ChoiceField(
        choices=PerformanceGroup.choices,
        allow_blank=True,
        read_only=True,
        help_text="Group by the rule on the intervals (see the methodology page).",
    )


INTERVAL_FIELDS = [
    "rank_low",
    "rank_median",
    "rank_high",
    "size_class_rank_low",
    "size_class_rank_median",
    "size_class_rank_high",
    "rank_per_10k",
    "performance_group",
]


class RankingEntrySerializer(IntervalFieldsMixin, serializers.ModelSerializer):
    municipality = MunicipalityRefSerializer(read_only=True)
    rank = _count()
    size_class_rank = _count()
    launching_customer_count = _count()
    score = serializers.FloatField(help_text="Sum of the points (exact to 6 decimals).")
    score_per_10k = serializers.FloatField(
        allow_null=True, help_text="Points per 10,000 inhabitants."
    )
    adoptions = serializers.IntegerField(source="adoption_count")
    innovations = serializers.IntegerField(source="innovation_count")
    koploper = serializers.BooleanField(source="is_koploper")
    movement = serializers.IntegerField(
        allow_null=True,
        help_text="Places gained (positive) or lost (negative) since the previous board; "
        "null if not on it.",
    )

    class Meta:
        model = RankingEntry
        fields = [
            "rank",
            "municipality",
            "score",
            "score_per_10k",
            "adoptions",
            "launching_customer_count",
            "movement",
            "size_class",
            "size_class_rank",
            "innovations",
            "koploper",
            *INTERVAL_FIELDS,
        ]


class RankingRunSerializer(serializers.ModelSerializer):
    published_at = serializers.DateTimeField(source="finished_at")
    municipalities_ranked = serializers.IntegerField(source="entry_count")
    adoptions_scored = serializers.IntegerField(source="contribution_count")

    class Meta:
        model = RankingRun
        fields = [
            "id",
            "reference_date",
            "started_at",
            "published_at",
            "formula_version",
            "parameters",
            "sensitivity",
            "municipalities_ranked",
            "adoptions_scored",
            "is_current",
        ]


class InnovationRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class VerifiedAdoptionSerializer(serializers.ModelSerializer):
    innovation = InnovationRefSerializer(read_only=True)

    class Meta:
        model = Adoption
        fields = ["innovation", "stage", "started_on", "stage_since"]


class CurrentRankSerializer(IntervalFieldsMixin, serializers.ModelSerializer):
    rank = _count()
    size_class_rank = _count()
    launching_customer_count = _count()
    score = serializers.FloatField()
    koploper = serializers.BooleanField(source="is_koploper")
    movement = serializers.IntegerField(allow_null=True)
    run = serializers.IntegerField(source="run_id")
    reference_date = serializers.DateField(source="run.reference_date")

    class Meta:
        model = RankingEntry
        fields = [
            "rank",
            "score",
            "score_per_10k",
            "size_class_rank",
            "launching_customer_count",
            "koploper",
            "movement",
            "run",
            "reference_date",
            *INTERVAL_FIELDS,
        ]


class MunicipalityDetailSerializer(MunicipalitySerializer):
    adoptions = VerifiedAdoptionSerializer(many=True, source="verified_adoptions")
    rank = serializers.SerializerMethodField(
        help_text="The municipality on the current board; null if it is not on it."
    )

    class Meta(MunicipalitySerializer.Meta):
        fields = [*MunicipalitySerializer.Meta.fields, "adoptions", "rank"]

    @extend_schema_field(CurrentRankSerializer(allow_null=True))
    def get_rank(self, municipality):
        entry = current_entry(municipality)
        return CurrentRankSerializer(entry).data if entry else None


# --- Filters ------------------------------------------------------------------------------


class RankingFilter(django_filters.FilterSet):
    """Unknown values are a 400, not an empty board."""

    country = country_filter("municipality__country", help_text="NL or BE")
    province = province_filter("municipality__province_code")
    size_class = size_class_filter()
    region = region_filter("municipality__regions")
    ordering = django_filters.ChoiceFilter(
        choices=[(name, name) for name in ORDERINGS],
        method="order",
        empty_label=None,
        error_messages={"invalid_choice": UNKNOWN_ORDERING},
        help_text="rank (by points, the default) or rank_per_10k (by points per 10,000 "
        "inhabitants)",
    )

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])

    class Meta:
        model = RankingEntry
        fields = ["country", "province", "size_class", "region", "ordering"]


# --- Views --------------------------------------------------------------------------------


@extend_schema(
    tags=["ranking"],
    responses={
        200: RankingEntrySerializer(many=True),
        400: OpenApiResponse(
            description="An unknown country, province, size class, region or ordering."
        ),
    },
)
class RankingListView(generics.ListAPIView):
    """The current Koplopergemeenten board, best first (ties by number of innovations,
    then name); empty until the first run has been published."""

    serializer_class = RankingEntrySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RankingFilter

    def get_queryset(self):
        return (
            RankingEntry.objects.filter(run__is_current=True)
            .select_related("municipality")
            .order_by("position")
        )


@extend_schema(tags=["ranking"])
class RankingRunListView(generics.ListAPIView):
    """Published runs, newest first, with their formula version and parameters."""

    serializer_class = RankingRunSerializer
    filter_backends: list = []
    queryset = RankingRun.objects.published().order_by("-started_at", "-id")


@extend_schema(
    tags=["municipalities"],
    responses={
        200: MunicipalityDetailSerializer,
        404: OpenApiResponse(description="No municipality has this code."),
    },
)
class MunicipalityDetailView(generics.RetrieveAPIView):
    """One municipality by its official code (CBS `GM0344`, NIS `44021`), with its
    verified adoptions of approved innovations and its place on the current board."""

    serializer_class = MunicipalityDetailSerializer
    lookup_field = "code"
    filter_backends: list = []
    queryset = Municipality.objects.prefetch_related(
        Prefetch(
            "adoptions",
            queryset=Adoption.objects.public()
            .select_related("innovation")
            .order_by("started_on", "innovation__title"),
            to_attr="verified_adoptions",
        )
    )
