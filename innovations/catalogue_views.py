"""The public catalogue page and the public innovation page."""

from django import forms
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from core import caching

from . import catalogue
from .enums import Domain, Route, SupplierSize
from .filters import YES_NO, CatalogueFilter
from .models import Innovation
from .selectors import rubric_summary

PAGE_SIZE = 20
MATURITY_LEVELS = range(1, 10)


def _drop_invalid(filterset: CatalogueFilter, data: QueryDict) -> tuple[QueryDict, list]:
    """The query without the values the filters do not know, and what was dropped."""
    data = data.copy()
    dropped = []
    for name in filterset.errors:
        field = filterset.form.fields.get(name)
        if field is None:
            continue
        values = data.getlist(name)
        keep = []
        if isinstance(field, forms.MultipleChoiceField):
            keep = [value for value in values if field.valid_value(value)]
        if name != "q":  # a search with nothing to search for says so itself (below)
            dropped += [(str(field.label), value) for value in values if value not in keep]
        data.setlist(name, keep)
    return data, dropped


def _options(choices, counts: dict, selected) -> dict:
    chosen = set(selected if isinstance(selected, list) else [selected])
    return {
        "selected": selected or "",
        "options": [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "selected": value in chosen,
            }
            for value, label in choices
        ],
    }


def _maturity_options(counts: dict, low: int | None, high: int | None) -> dict:
    """Options of the two TRL selects, each with how many the choice would give."""
    low_bound, high_bound = low or 1, high or 9
    return {
        "min": [
            {
                "value": level,
                "count": sum(n for trl, n in counts.items() if level <= trl <= high_bound),
                "selected": level == low,
            }
            for level in MATURITY_LEVELS
        ],
        "max": [
            {
                "value": level,
                "count": sum(n for trl, n in counts.items() if low_bound <= trl <= level),
                "selected": level == high,
            }
            for level in MATURITY_LEVELS
        ],
    }


def _catalogue_version(request) -> int:
    return caching.data_version(caching.CATALOGUE)


# The catalogue's query parameters: its filters and the page number. Nothing else reaches
# the cache key or the page's links.
PARAMS = frozenset([*CatalogueFilter.base_filters, "page"])


@caching.anonymous_page_cache(_catalogue_version, params=PARAMS)
def catalogue_page(request):
    """The vetted catalogue: search, filters with counts, sorting; all in the URL.

    Anonymous visitors get the page from the cache while the catalogue's data version is
    unchanged; everyone else at least gets the facet counts and the count from it."""
    data = request.GET
    if len(data.get("q", "")) > catalogue.MAX_QUERY_LENGTH:
        data = data.copy()
        data["q"] = data["q"][: catalogue.MAX_QUERY_LENGTH]
        messages.info(
            request,
            _("Your search was shortened to its first %(n)d characters.")
            % {"n": catalogue.MAX_QUERY_LENGTH},
        )
    filterset = CatalogueFilter(data, queryset=Innovation.objects.approved())
    if not filterset.is_valid():
        data, dropped = _drop_invalid(filterset, data)
        for label, value in dropped:
            messages.warning(
                request,
                _("Ignored “%(value)s”: not a known value for “%(filter)s”.")
                % {"value": value[:100], "filter": label},
            )
        for message in filterset.errors.get("q", []):
            messages.warning(request, message)
        filterset = CatalogueFilter(data, queryset=Innovation.objects.approved())
        filterset.is_valid()
    cleaned = filterset.form.cleaned_data
    # The facets first: their pass over the filtered catalogue also counts it for the pages.
    counts = filterset.facet_counts()
    page = caching.CachedCountPaginator(
        catalogue.for_list(filterset.qs), PAGE_SIZE, count_key=filterset.cache_key("count")
    ).get_page(data.get("page"))
    params = QueryDict(mutable=True)
    for name in data:
        if name in PARAMS and name != "page":
            params.setlist(name, data.getlist(name))
    searching = filterset.searching
    ordering = cleaned.get("ordering") or (
        catalogue.ORDERING_RELEVANCE if searching else catalogue.ORDERING_NEWEST
    )
    if ordering == catalogue.ORDERING_RELEVANCE and not searching:
        ordering = catalogue.ORDERING_NEWEST
    facets = {
        "domain": _options(Domain.choices, counts["domain"], cleaned.get("domain") or []),
        "route": _options(Route.choices, counts["route"], cleaned.get("route")),
        "supplier_size": _options(
            SupplierSize.choices, counts["supplier_size"], cleaned.get("supplier_size")
        ),
        "has_adoptions": _options(YES_NO, counts["has_adoptions"], cleaned.get("has_adoptions")),
        "province": _options(
            [c for c in filterset.form.fields["province"].choices if c[0]],
            counts["province"],
            cleaned.get("province"),
        ),
        "maturity": _maturity_options(
            counts["maturity"], cleaned.get("maturity_min"), cleaned.get("maturity_max")
        ),
    }
    orderings = [
        {"value": value, "label": label, "selected": value == ordering}
        for value, label in catalogue.ORDERING_CHOICES
        if searching or value != catalogue.ORDERING_RELEVANCE
    ]
    active = any(
        value not in (None, "", [])
        for name, value in cleaned.items()
        if name not in ("q", "ordering")
    )
    return render(
        request,
        "innovations/catalogue.html",
        {
            "page": page,
            "querystring": params.urlencode(),
            "query": cleaned.get("q") or "",
            "searching": searching,
            "facets": facets,
            "orderings": orderings,
            "filters_active": active,
            # The sort form repeats the search and filters; the filter form the chosen sort.
            "sort_keep": [(key, params.getlist(key)) for key in params if key != "ordering"],
            "ordering_chosen": cleaned.get("ordering") or "",
        },
    )


def innovation_page(request, slug):
    """One published innovation; anything else is 404, whoever asks."""
    innovation = get_object_or_404(
        catalogue.for_display(Innovation.objects.approved()),
        slug=slug,
    )
    return render(
        request,
        "innovations/detail.html",
        {
            "innovation": innovation,
            "rubric": rubric_summary(innovation),
            "related": catalogue.related_innovations(innovation),
        },
    )
