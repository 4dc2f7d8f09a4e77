"""The public municipality list of the API: GET /api/v1/municipalities/.

(The detail route, with adoptions and rank, is composed by the ranking app.)"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers

from ..filters import MunicipalityFilter
from ..models import Municipality


class MunicipalitySerializer(serializers.ModelSerializer):
    # Declared: the model field's bounds depend on the database, the schema must not.
    population = serializers.IntegerField(min_value=0, read_only=True)
    province_code = serializers.CharField(
        read_only=True, help_text="ISO 3166-2 code of the province (NL-LI, BE-VLI …)"
    )
    province = serializers.CharField(read_only=True, help_text="Name of the province")

    class Meta:
        model = Municipality
        fields = [
            "code",
            "name",
            "slug",
            "country",
            "province_code",
            "province",
            "population",
            "size_class",
        ]


@extend_schema(
    tags=["municipalities"],
    responses={
        200: MunicipalitySerializer(many=True),
        400: OpenApiResponse(description="An unknown country, province or ordering."),
    },
)
class MunicipalityListView(generics.ListAPIView):
    """All Dutch and Flemish municipalities, filterable by country and province and
    searchable by name or code, ordered by name."""

    queryset = Municipality.objects.order_by("name", "code")
    serializer_class = MunicipalitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MunicipalityFilter
