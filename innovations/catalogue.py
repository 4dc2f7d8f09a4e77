"""The public catalogue: which innovations it shows, full-text search, sorting and facets.

Everything here is set-based: a page of results, its facet counts and the related
innovations of a page each cost one query, whatever the size of the catalogue."""

from django.db.models import (
    Count,
    F,
    QuerySet,
)
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
# (docs/performance.md); the newest few thousand are read from the published index alone.
RELATED_WINDOW = 3000


def related_innovations(innovation: Innovation, limit: int = 4) -> QuerySet[Innovation]:
    """Other published innovations sharing most domains with `innovation`, newest first,
    among the RELATED_WINDOW newest (one query)."""
    codes = [domain.code for domain in innovation.domains.all()]
    if not codes:
        return Innovation.objects.none()
    newest = Innovation.objects.current().order_by(F("published_at").desc(nulls_last=True), "-pk")[
        :RELATED_WINDOW
    ]
    return (
        Innovation.objects.filter(pk__in=newest.values("pk"))
        .exclude(pk=innovation.pk)
        .filter(domains__code__in=codes)
        # The filter on the relation comes first, so Count counts the shared domains only.
        .annotate(overlap=Count("domains"))
        .select_related("supplier")
        .order_by("-overlap", F("published_at").desc(nulls_last=True), "pk")[:limit]
    )
