"""The public catalogue: which innovations it shows, full-text search, sorting and facets.

Everything here is set-based: a page of results, its facet counts and the related
innovations of a page each cost one query, whatever the size of the catalogue."""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from .models import Innovation

# Text search configurations created by migration 0004_search_vector (PostgreSQL only).
SEARCH_CONFIG = "koploper_dutch"
PREFIX_CONFIG = "koploper_dutch_prefix"

MAX_QUERY_LENGTH = 200
MAX_SEARCH_WORDS = 8

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


# --- Search -------------------------------------------------------------------------------

# The web-search syntax of PostgreSQL's websearch_to_tsquery: words, "quoted phrases",
# `or` between alternatives and `-` before what must not occur. Anything else is a word
# separator, so no input can be malformed.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


def parse_query(text: str) -> list[list[dict]]:
    """Split a search into AND-ed groups of OR-ed terms, like websearch_to_tsquery:
    `a b or c -d "e f"` → [[a], [b, c], [-d], ["e f"]]. Each term is
    {"words": [...], "phrase": bool, "negated": bool}. Unbalanced quotes close at the end."""
    groups: list[list[dict]] = []
    pending_or = False
    words_used = 0
    for match in _TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or" and groups:
            pending_or = True
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-"))
        words = _WORD.findall(phrase if phrase is not None else bare)
        words = words[: MAX_SEARCH_WORDS - words_used]
        if not words:
            continue
        words_used += len(words)
        if phrase is not None:
            terms = [{"words": words, "phrase": True, "negated": negated}]
        else:
            # "energie-opslag" is two words that must both occur.
            terms = [{"words": [word], "phrase": False, "negated": negated} for word in words]
        if pending_or:
            groups[-1].append(terms[0])
            groups.extend([term] for term in terms[1:])
        else:
            groups.extend([term] for term in terms)
        pending_or = False
    return groups


def _word_queries(word: str) -> list[SearchQuery]:
    # The word as a prefix, stemmed ("fietsen" → 'fiets':*, finds "fietsenstalling") and
    # as typed ("gemeen" → 'gemeen':*, finds "gemeente", whose stem is 'gemeent').
    prefix = f"{word}:*"
    return [
        SearchQuery(prefix, search_type="raw", config=SEARCH_CONFIG),
        SearchQuery(prefix, search_type="raw", config=PREFIX_CONFIG),
    ]


def _term_query(term: dict) -> SearchQuery:
    if term["phrase"]:
        query = SearchQuery(" ".join(term["words"]), search_type="phrase", config=SEARCH_CONFIG)
        return ~query if term["negated"] else query
    stemmed, typed = _word_queries(term["words"][0])
    # Not (stemmed or typed) is written as (not stemmed) and (not typed): Django can
    # negate a single SearchQuery, not a combination.
    return (~stemmed & ~typed) if term["negated"] else (stemmed | typed)


def _postgres_query(groups: list[list[dict]]) -> SearchQuery:
    combined = None
    for group in groups:
        alternatives = None
        for term in group:
            query = _term_query(term)
            alternatives = query if alternatives is None else alternatives | query
        combined = alternatives if combined is None else combined & alternatives
    return combined


def search(queryset: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    """Innovations matching `text`, annotated with `rank` (higher is better).

    PostgreSQL: the stored Dutch search vector, every word also matched as a prefix, ranked
    with ts_rank on the title and summary (title above summary; a match only in the
    description or the supplier's name ranks after those). Elsewhere: every word must occur
    (icontains) in the title, summary or description; a title hit ranks above the rest."""
    groups = parse_query(text or "")
    if not groups:
        return queryset.annotate(rank=Value(0.0))
    if settings.IS_POSTGRES:
        query = _postgres_query(groups)
        # Matched on the whole vector, ranked on the title and summary (rank_vector).
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("rank_vector"), query)
        )
    return _fallback_search(queryset, groups)


def _fallback_search(queryset: QuerySet[Innovation], groups) -> QuerySet[Innovation]:
    fields = {"title": 1.0, "summary": 0.4, "description": 0.2}
    condition = Q()
    rank = Value(0.0)
    for group in groups:
        alternatives = Q()
        for term in group:
            phrase = " ".join(term["words"])
            matches = Q()
            for field in fields:
                matches |= Q(**{f"{field}__icontains": phrase})
            alternatives |= ~matches if term["negated"] else matches
            if not term["negated"]:
                for field, weight in fields.items():
                    rank = rank + Case(
                        When(**{f"{field}__icontains": phrase}, then=Value(weight)),
                        default=Value(0.0),
                        output_field=FloatField(),
                    )
        condition &= alternatives
    return queryset.filter(condition).annotate(rank=rank)


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


# --- Filters (the facets are counted in facets.py) ---------------------------------------


def with_domain_ids(codes: list[str]) -> QuerySet:
    """Subquery: ids of innovations in any of the domains `codes`."""
    return Innovation.objects.filter(domains__code__in=codes).values("pk")


# --- The innovation page ------------------------------------------------------------------


def related_innovations(innovation: Innovation, limit: int = 4) -> QuerySet[Innovation]:
    """Other published innovations sharing most domains with `innovation` (one query)."""
    codes = [domain.code for domain in innovation.domains.all()]
    if not codes:
        return Innovation.objects.none()
    return (
        Innovation.objects.approved()
        .exclude(pk=innovation.pk)
        .filter(domains__code__in=codes)
        # The filter on the relation comes first, so Count counts the shared domains only.
        .annotate(overlap=Count("domains"))
        .select_related("supplier")
        .order_by("-overlap", F("published_at").desc(nulls_last=True), "pk")[:limit]
    )
