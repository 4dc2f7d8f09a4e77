"""The public innovations API: the catalogue and one innovation with its adopters."""

import hashlib

from django.core.cache import cache
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from .. import caching, catalogue
from ..enums import Domain
from ..filters import CatalogueFilter
from ..models import Innovation, Supplier


class SupplierSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["name", "size", "country", "website"]


class InnovationListSerializer(serializers.ModelSerializer):
    supplier = SupplierSummarySerializer(read_only=True)
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    adoption_count = serializers.IntegerField(
        read_only=True, help_text="Number of verified adoptions."
    )
    url = serializers.SerializerMethodField(help_text="The innovation's page in the portal.")

    class Meta:
        model = Innovation
        fields = [
            "slug",
            "title",
            "summary",
            "domains",
            "route",
            "maturity",
            "supplier",
            "adoption_count",
            "published_at",
            "url",
        ]

    def get_url(self, innovation) -> str:
        path = reverse("innovations:detail", args=[innovation.slug])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AdopterMunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Official code (CBS GM…, NIS).")
    name = serializers.CharField()
    country = serializers.CharField()
    province = serializers.CharField()


class AdopterSerializer(serializers.Serializer):
    municipality = AdopterMunicipalitySerializer()
    stage = serializers.CharField(help_text="pilot, implemented, scaled or ended.")
    started_on = serializers.DateField()
    stage_since = serializers.DateField()


class InnovationDetailSerializer(InnovationListSerializer):
    adopters = AdopterSerializer(
        many=True,
        read_only=True,
        source="verified_adopters",
        help_text="Municipalities with a verified adoption, earliest start first.",
    )

    class Meta(InnovationListSerializer.Meta):
        fields = [
            *InnovationListSerializer.Meta.fields,
            "description",
            "price_indication",
            "evidence",
            "references",
            "adopters",
        ]


@extend_schema_view(
    get=extend_schema(
        summary="Approved innovations",
        description=(
            "The vetted catalogue. `q` searches Dutch text (words match as prefixes, so "
            '`zonne` finds `zonnepanelen`; "phrases", `or` and `-word` work as in web '
            "search). Without `ordering`, results come by relevance when searching and "
            "newest first otherwise. Unknown filter values give 400. Domains: "
            f"{', '.join(Domain.values)}."
        ),
    )
)
class InnovationListView(generics.ListAPIView):
    serializer_class = InnovationListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CatalogueFilter
    queryset = Innovation.objects.approved()

    def filter_queryset(self, queryset):
        return catalogue.for_display(super().filter_queryset(queryset))

    def list(self, request, *args, **kwargs):
        # The list is the same for every caller (links are absolute, so the key holds the
        # whole URL): cached under the catalogue's data version. Authentication and the
        # throttles still run first; an invalid filter raises before anything is cached.
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
        key = f"catalogue:api:{caching.data_version(caching.CATALOGUE)}:{url}"
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = super().list(request, *args, **kwargs)
        cache.set(key, response.data, caching.PAGE_SECONDS)
        return response


@extend_schema_view(
    get=extend_schema(
        summary="One approved innovation",
        description="With the municipalities that use it (verified adoptions only).",
    )
)
class InnovationDetailView(generics.RetrieveAPIView):
    serializer_class = InnovationDetailSerializer
    lookup_field = "slug"
    queryset = catalogue.with_adoption_count(catalogue.for_display(Innovation.objects.approved()))

    def get_object(self):
        innovation = super().get_object()
        innovation.verified_adopters = list(
            innovation.adoptions.filter(verification=catalogue.VERIFIED)
            .select_related("municipality")
            .order_by("started_on", "municipality__name")
        )
        return innovation
