"""The catalogue's filters, shared by the catalogue page and the public innovations API.

Unknown values make the FilterSet invalid: the API answers 400 with the field messages,
the catalogue page drops them and says so."""

import functools
import hashlib

from django import forms
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from core import caching
from core.countries import province_choices

from . import catalogue, facets
from .enums import Domain, Reconfirmation, Route, SupplierSize
from .listing import Listing
from .models import Innovation
from .search import Search

YES_NO = [("true", _("Yes")), ("false", _("No"))]

# Applied after the ordinary filters, by filter_queryset below.
SEARCH_AND_ORDER = {"q", "ordering"}


class MaturityFilter(filters.NumberFilter):
    """A TRL: a whole number from 1 to 9 (NumberFilter would accept 3.5)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9)
        super().__init__(*args, **kwargs)


class SearchField(forms.CharField):
    """A search: refused (400 in the API, a message on the page) when it holds nothing to
    search for, only common words such as “de” and “het” or lone operators."""

    def validate(self, value):
        super().validate(value)
        if value and value.strip() and not catalogue.has_search_words(value):
            raise forms.ValidationError(
                _(
                    "Search for at least one word that is not a common word such as “de” "
                    "or “het” (“of”, “or” and “-” only join or leave out words)."
                ),
                code="nothing_to_search",
            )


class SearchFilter(filters.CharFilter):
    field_class = SearchField
    unprocessable = True  # common words only: 422 in the API (portal.problems)


class CatalogueFilter(filters.FilterSet):
    q = SearchFilter(
        label=_("Search"),
        method="filter_nothing",
        max_length=catalogue.MAX_QUERY_LENGTH,
        help_text=_(
            "Words or the start of words (compounds found too: “lamp” finds “ledlampen”); "
            '"a phrase" in quotes; of or or between alternatives; -word to leave out.'
        ),
    )
    domain = filters.MultipleChoiceFilter(
        label=_("Domain"), choices=Domain.choices, method="filter_domain"
    )
    route = filters.ChoiceFilter(label=_("Procurement route"), choices=Route.choices)
    maturity_min = MaturityFilter(
        field_name="maturity", lookup_expr="gte", label=_("Maturity (TRL) at least")
    )
    maturity_max = MaturityFilter(
        field_name="maturity", lookup_expr="lte", label=_("Maturity (TRL) at most")
    )
    supplier_size = filters.ChoiceFilter(
        field_name="supplier_size", label=_("Supplier size"), choices=SupplierSize.choices
    )
    province = filters.ChoiceFilter(
        label=_("Adopted in province"),
        choices=province_choices,
        method="filter_province",
        help_text=_(
            "With a verified adoption by a municipality in this province "
            "(ISO 3166-2 code, e.g. NL-UT or BE-VLI)."
        ),
    )
    has_adoptions = filters.ChoiceFilter(
        label=_("Adopted by a municipality"),
        choices=YES_NO,
        method="filter_has_adoptions",
        help_text=_("With at least one verified adoption."),
    )
    approval = filters.ChoiceFilter(
        label=_("Approval"),
        choices=[("all", _("Also those whose approval is to be reconfirmed"))],
        method="filter_nothing",
        help_text=_(
            "By default only innovations with a valid approval; `all` adds those whose "
            "approval ended and is to be reconfirmed."
        ),
    )
    ordering = filters.ChoiceFilter(
        label=_("Sort by"),
        choices=catalogue.ORDERING_CHOICES,
        method="filter_nothing",
        help_text=_("Relevance applies while searching; otherwise newest first."),
    )

    class Meta:
        model = Innovation
        fields: list[str] = []

    def __init__(self, *args, listing: bool = True, **kwargs):
        # listing=False: the querysets are of innovations even for a search (the saved
        # searches' digests and feeds select and join on them); see `listed`.
        super().__init__(*args, **kwargs)
        self.listing = listing

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_domain(self, queryset, name, value):
        return facets.in_domains(queryset, value)

    def filter_province(self, queryset, name, value: str):
        return facets.in_province(queryset, value)

    def filter_has_adoptions(self, queryset, name, value):
        if value == "true":
            return queryset.filter(facets.adopted())
        return queryset.filter(~facets.adopted())

    @property
    def search_text(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip()

    @functools.cached_property
    def search(self) -> Search:
        """The search, its compounds looked up once for the list, count and facets."""
        return Search.of(self.search_text)

    @property
    def searching(self) -> bool:
        return bool(self.search.groups)

    @property
    def listed(self) -> bool:
        """Is this a search the catalogue reads from its narrow rows (catalogue.uses_listing)?"""
        all_approvals = self.form.cleaned_data.get("approval") == "all"
        return self.listing and catalogue.uses_listing(self.search, all_approvals=all_approvals)

    def _shown(self, queryset) -> QuerySet:
        if self.listed:
            # The narrow rows are the innovations listed by default (listing.Listing): the
            # search, its filters, facets and order read those instead of the wide rows.
            return Listing.objects.all()
        if self.form.cleaned_data.get("approval") != "all":
            # An innovation to be reconfirmed leaves the default view (innovations/vetting.py).
            queryset = queryset.filter(reconfirmation=Reconfirmation.CURRENT)
        return queryset

    def _filtered(self, queryset, leave_out=frozenset()) -> QuerySet[Innovation]:
        queryset = self._shown(queryset)
        for name, value in self.form.cleaned_data.items():
            if name in leave_out or name in SEARCH_AND_ORDER:
                continue
            queryset = self.filters[name].filter(queryset, value)
        if self.searching:
            queryset = self.search.apply(queryset)
        return queryset

    def filter_queryset(self, queryset):
        # Search and sort come last: sorting by relevance needs the search's rank.
        ordering = self.form.cleaned_data.get("ordering") or ""
        return catalogue.order(self._filtered(queryset), ordering, searching=self.searching)

    def cache_key(self, kind: str) -> str:
        """A cache key for `kind` of this filtered catalogue (not its order or page) under
        the current catalogue data version. Needs is_valid()."""
        state = sorted(
            (name, str(value))
            for name, value in self.form.cleaned_data.items()
            if name != "ordering" and value not in (None, "", [])
        )
        digest = hashlib.sha256(repr(state).encode()).hexdigest()[:32]
        return f"catalogue:{kind}:{caching.data_version(caching.CATALOGUE)}:{digest}"

    def facet_counts(self) -> dict:
        """Counts per filter value, each facet ignoring its own filter. Needs is_valid().

        One statement over the searched catalogue (facets.facet_counts), which also counts
        the filtered catalogue for the paginator. Cached under the catalogue's data
        version."""
        key = self.cache_key("facets")
        counts = cache.get(key)
        if counts is None:
            # The innovations the list shows, before the facet filters (the facets, and the
            # count of the pages, counted the ones to be reconfirmed too).
            base = self._shown(self.queryset.all())
            if self.searching:
                base = self.search.apply(base)
            counts = facets.facet_counts(base, self.form.cleaned_data)
            total = counts.pop("total")["all"]
            cache.set(self.cache_key("count"), total, caching.PAGE_SECONDS)
            cache.set(key, counts, caching.PAGE_SECONDS)
        return counts
