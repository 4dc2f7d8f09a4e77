"""The public catalogue: which innovations it shows, full-text search, sorting and facets.

Everything here is set-based: a page of results, its facet counts and the related
innovations of a page each cost one query, whatever the size of the catalogue."""

import datetime

from django.db.models import (
    Count,
    F,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

from core.database import on_postgresql

from .listing import Listing
from .models import Innovation
from .search import MAX_QUERY_LENGTH, Search, has_search_words, parse_query, search

__all__ = [
    "MAX_QUERY_LENGTH",
    "SEARCH_CONFIG",
    "for_display",
    "counted_ids",
    "for_list",
    "innovations_in_order",
    "has_search_words",
    "order",
    "parse_query",
    "related_innovations",
    "search",
    "searched",
    "uses_listing",
]

# Text search configuration created by migration 0004_search_vector (PostgreSQL only).
SEARCH_CONFIG = "koploper_dutch"

ORDERING_RELEVANCE = "relevance"
ORDERING_NEWEST = "newest"
ORDERING_MOST_ADOPTED = "most_adopted"
ORDERING_TITLE = "title"
ORDERING_CHOICES = [
    (ORDERING_RELEVANCE, _("Relevance")),
    (ORDERING_NEWEST, _("Newest")),
    (ORDERING_MOST_ADOPTED, _("Most adopted")),
    (ORDERING_TITLE, _("Title (A–Z)")),
]


def for_display(queryset: QuerySet[Innovation]) -> QuerySet[Innovation]:
    """What a list of innovations shows: supplier joined, domains prefetched (one query)."""
    return queryset.select_related("supplier").prefetch_related("domains")


# What the catalogue's lists (page and API) never show: the long texts and the search
# vectors, read from the table's out-of-line storage for every row of a page otherwise.
LIST_DEFERRED = ("description", "evidence", "references", "search_vector", "rank_vector")


def for_list(queryset: QuerySet) -> QuerySet:
    """What the catalogue's lists show, in one query: supplier joined, the domains read from
    `domain_mask` (`Innovation.domain_tags`), the long texts left out.

    A queryset of the catalogue's narrow rows (a search, see `uses_listing`) gives the
    innovations of its rows, in its order, with its annotations (`rank`): the rows are
    chosen, ranked and cut to the page in the narrow table, and only the page's innovations
    are joined (PostgreSQL sorts before the join when there is a LIMIT)."""
    if queryset.model is Listing:
        deferred = [f"innovation__{name}" for name in LIST_DEFERRED]
        queryset = queryset.select_related("innovation__supplier").defer(
            "match_vector", "rank_vector", *deferred
        )
        queryset._iterable_class = _InnovationsOfListing
        return queryset
    return queryset.select_related("supplier").defer(*LIST_DEFERRED)


class _InnovationsOfListing(ModelIterable):
    """Each narrow row's innovation (joined), with the row's annotations."""

    def __iter__(self):
        names = list(self.queryset.query.annotation_select)
        for row in super().__iter__():
            innovation = row.innovation
            for name in names:
                setattr(innovation, name, getattr(row, name))
            yield innovation


def counted_ids(queryset: QuerySet, bottom: int, top: int) -> tuple[int | None, list[int]]:
    """How many rows `queryset` has and the ids of its rows `bottom` to `top`, in one
    statement (`COUNT(*) OVER ()`): for a search by relevance, whose ranking reads every
    match anyway, so that counting them is no second pass. The count is None when the slice
    is empty."""
    counted = queryset.annotate(matches=Window(Count("*")))
    found = list(counted.values_list("pk", "matches")[bottom:top])
    return (found[0][1] if found else None), [pk for pk, _ in found]


def innovations_in_order(ids: list[int]) -> list[Innovation]:
    """The innovations `ids` as the catalogue's lists show them (one query), in that order."""
    found = for_list(Innovation.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def uses_listing(search_: Search, all_approvals: bool = False) -> bool:
    """Does the catalogue read this search from its narrow rows (listing.Listing)? On
    PostgreSQL, for the innovations it lists by default (not with those to be reconfirmed),
    unless a phrase needs the word positions the narrow rows leave out."""
    return on_postgresql() and bool(search_.groups) and not search_.has_phrase and not all_approvals


def searched(text: str) -> QuerySet:
    """The catalogue's search of `text` over what it lists by default, annotated with `rank`:
    the narrow rows where `uses_listing`, the innovations otherwise (as the catalogue page
    and the API read it; the benchmark's search figure measures this)."""
    search_ = Search.of(text)
    if uses_listing(search_):
        return search_.apply(Listing.objects.all())
    return search_.apply(Innovation.objects.current())


# --- Search: see search.py (re-exported here for the catalogue's callers) ---------------

# --- Ordering -----------------------------------------------------------------------------


def order(queryset: QuerySet[Innovation], ordering: str, searching: bool) -> QuerySet[Innovation]:
    """Sort the results; relevance only means something while searching, newest otherwise."""
    if ordering == ORDERING_RELEVANCE and not searching:
        ordering = ORDERING_NEWEST
    if not ordering:
        ordering = ORDERING_RELEVANCE if searching else ORDERING_NEWEST
    newest = [F("published_at").desc(nulls_last=True), "-pk"]
    if ordering == ORDERING_RELEVANCE:
        return queryset.order_by("-rank", *newest)
    if ordering == ORDERING_MOST_ADOPTED:
        return queryset.order_by("-adoption_count", *newest)
    if ordering == ORDERING_TITLE:
        return queryset.order_by("title", "pk")
    return queryset.order_by(*newest)


# --- The innovation page ------------------------------------------------------------------


# Related innovations come from this many of the newest published ones: at national scale
# every domain has thousands, and grouping all of them per request cost over a second
# (docs/performance.md).
RELATED_WINDOW = 3000
# With fewer published innovations than that, the window is all of them.
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def related_innovations(innovation: Innovation, limit: int = 4) -> QuerySet[Innovation]:
    """Other published innovations sharing most domains with `innovation`, newest first,
    among the RELATED_WINDOW newest (one query).

    The domains are the bits of `domain_mask` (kept with the links), so the choice is made
    on the published index alone (it includes the bits): the window is the innovations
    published since the RELATED_WINDOW-th newest, the shared domains of each are counted
    from its bits, and only the chosen few are read from the table (docs/performance.md:
    the domain links of every innovation in the window and whole rows, ~50 ms, before)."""
    mask = innovation.domain_mask
    if not mask:
        return Innovation.objects.none()
    newest = [F("published_at").desc(nulls_last=True), "-pk"]
    window_start = Subquery(
        Innovation.objects.current()
        .order_by(*newest)
        .values("published_at")[RELATED_WINDOW - 1 : RELATED_WINDOW]
    )
    shared = sum(
        (
            F("domain_mask").bitrightshift(bit).bitand(1)
            for bit in range(mask.bit_length())
            if mask >> bit & 1
        ),
        Value(0),
    )
    order = ["-overlap", F("published_at").desc(nulls_last=True), "pk"]
    chosen = (
        Innovation.objects.current()
        .exclude(pk=innovation.pk)
        .filter(published_at__gte=Coalesce(window_start, Value(_EPOCH)))
        .alias(hit=F("domain_mask").bitand(mask), overlap=shared)
        .filter(hit__gt=0)
        .order_by(*order)
        .values("pk")[:limit]
    )
    return (
        Innovation.objects.filter(pk__in=chosen)
        .annotate(overlap=shared)
        .select_related("supplier")
        .order_by(*order)
    )
