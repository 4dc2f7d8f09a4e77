"""The public municipality list of the API: GET /api/v1/municipalities/.

(The detail route, with adoptions and rank, is composed by the ranking app.)"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers

from ..filters import country_filter, province_filter
from ..models import Municipality


class MunicipalityFilter(django_filters.FilterSet):
    """Unknown countries, provinces or orderings are a 400, not an empty list."""

    country = country_filter(help_text="NL or BE")
    province = province_filter()
    q = django_filters.CharFilter(
        method="search", max_length=100, help_text="Part of the name or the official code"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("population", "population"), ("code", "code")),
        # Lazy labels: django-filter would translate the descending ones at import, in
        # whatever language is active then.
        field_labels={
            "name": _("Name"),
            "-name": _("Name (descending)"),
            "population": _("Population"),
            "-population": _("Population (descending)"),
            "code": _("Code"),
            "-code": _("Code (descending)"),
        },
        help_text="name, population or code; prefix with - for descending",
    )

    class Meta:
        model = Municipality
        fields = ["country", "province"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))


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
