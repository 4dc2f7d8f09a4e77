"""The public API's one innovation, with the municipalities that use it.

Served here, not in innovations, because the adopters are adoptions and municipalities:
innovations never reads them. The list (innovations/api/catalogue.py) shows only the
adoption count that municipalities keeps on each innovation."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers

from innovations.api.catalogue import InnovationListSerializer
from innovations.models import Innovation

from ..models import Adoption


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
            "approved_until",
            "reconfirmation",
            "adopters",
        ]
        extra_kwargs = {
            "approved_until": {"help_text": "The approval holds until this date."},
            "reconfirmation": {
                "help_text": "Empty while the approval is valid; `due`: it ended and the "
                "innovation is to be reconfirmed (not in the default catalogue list); "
                "`confirmed`: its supplier confirmed the text, a reviewer has yet to."
            },
        }


@extend_schema_view(
    get=extend_schema(
        summary="One approved innovation",
        description="With the municipalities that use it (verified adoptions only).",
    )
)
class InnovationDetailView(generics.RetrieveAPIView):
    serializer_class = InnovationDetailSerializer
    lookup_field = "slug"
    # The domains come from the innovation's bits (InnovationListSerializer): no prefetch.
    queryset = Innovation.objects.approved().select_related("supplier")

    def get_object(self):
        innovation = super().get_object()
        innovation.verified_adopters = list(
            Adoption.objects.verified()
            .filter(innovation=innovation)
            .select_related("municipality")
            .order_by("started_on", "municipality__name")
        )
        return innovation
