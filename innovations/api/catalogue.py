"""The public innovations API: the catalogue. One innovation with its adopters is served by
municipalities (municipalities/api/innovations.py), which owns the adoptions."""

import hashlib

from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Window
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response

from core import caching

from .. import catalogue
from ..enums import Domain
from ..filters import CatalogueFilter
from ..listing import Listing
from ..models import Innovation, Supplier


class SupplierSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["name", "size", "country", "website"]


class InnovationListSerializer(serializers.ModelSerializer):
    supplier = SupplierSummarySerializer(read_only=True)
    # From the innovation's domain bits (kept with the links): no query for the links.
    domains = serializers.ListField(
        child=serializers.ChoiceField(choices=Domain.choices), source="domain_codes", read_only=True
    )
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


class CountedWithThePage(Paginator):
    """A Paginator whose page statement also counts the list (`COUNT(*) OVER ()`). For a
    search by relevance only: ranking reads every match anyway, so the count costs no
    second pass over them (a frequent word matches half the catalogue at national scale).
    Other orders read the page in index order, stopping after it; a window would make them
    read every row."""

    def page(self, number):
        number = int(number)
        bottom = (number - 1) * self.per_page
        if self.object_list.model is Listing:
            # The catalogue's narrow rows (a search, catalogue.uses_listing): the page's ids
            # and the count from those alone, then the page's innovations. Joined in the
            # same statement, the window would make every match's innovation row be read.
            count, ids = catalogue.counted_ids(self.object_list, bottom, bottom + self.per_page)
            rows = catalogue.innovations_in_order(ids)
        else:
            counted = self.object_list.annotate(matches=Window(Count("*")))
            rows = list(counted[bottom : bottom + self.per_page])
            count = rows[0].matches if rows else None
        if count is not None:
            self.__dict__["count"] = count
        if number > self.num_pages and not (number == 1 and self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


@extend_schema_view(
    get=extend_schema(
        summary="Approved innovations",
        description=(
            "The vetted catalogue. `q` searches Dutch text and supplier names (words match "
            "as prefixes, so `zonne` finds `zonnepanelen`, and as parts of compounds, so "
            '`lamp` finds `ledlampen`; "phrases" in quotes, `of` or `or` between '
            "alternatives, `-word` to leave out). A `q` of only common words (`de het`) or "
            "operators gives 400, as does one over 200 characters. Without `ordering`, "
            "results come by relevance when searching and newest first otherwise. Unknown "
            "filter values give 400. Domains: "
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
        return catalogue.for_list(super().filter_queryset(queryset))

    def paginate_queryset(self, queryset):
        params = self.request.query_params
        ordering = params.get("ordering") or catalogue.ORDERING_RELEVANCE
        if ordering == catalogue.ORDERING_RELEVANCE and catalogue.has_search_words(
            params.get("q", "")
        ):
            self.paginator.django_paginator_class = CountedWithThePage
        return super().paginate_queryset(queryset)

    def list(self, request, *args, **kwargs):
        # The list is the same for every caller: cached under the catalogue's data version,
        # keyed by the known query parameters only (and the host, as links are absolute).
        # A request with other parameters gets the cached list of its known ones and its
        # own answer (whose links would repeat the unknown ones) is not stored, so random
        # parameters cannot fill the cache. Authentication and the throttles still run
        # first; an invalid filter raises before anything is cached.
        known = self._known_params()
        url = request.build_absolute_uri(request.path) + "?" + caching.known_query(request, known)
        digest = hashlib.sha256(url.encode()).hexdigest()[:32]
        key = f"catalogue:api:{caching.data_version(caching.CATALOGUE)}:{digest}"
        data = cache.get(key)
        if data is not None:
            return Response(data)
        response = super().list(request, *args, **kwargs)
        if not caching.has_unknown_params(request, known):
            cache.set(key, response.data, caching.PAGE_SECONDS)
        return response

    def _known_params(self) -> set[str]:
        paginator = self.paginator
        pagination = {paginator.page_query_param, paginator.page_size_query_param}
        return {*CatalogueFilter.base_filters, *(name for name in pagination if name)}
