"""The public catalogue: which innovations it shows, full-text search, sorting and facets.

Everything here is set-based: a page of results, its facet counts and the related
innovations of a page each cost one query, whatever the size of the catalogue."""

import datetime

from django.db.models import (
    F,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .models import Innovation
from .search import MAX_QUERY_LENGTH, has_search_words, parse_query, search

__all__ = [
    "MAX_QUERY_LENGTH",
    "SEARCH_CONFIG",
    "for_display",
    "for_list",
    "has_search_words",
    "order",
    "parse_query",
    "related_innovations",
    "search",
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


def for_list(queryset: QuerySet[Innovation]) -> QuerySet[Innovation]:
    """What the catalogue's lists show, in one query: supplier joined, the domains read from
    `domain_mask` (`Innovation.domain_tags`), the long texts left out."""
    return queryset.select_related("supplier").defer(*LIST_DEFERRED)


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
