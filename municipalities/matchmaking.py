"""Matchmaking: the approved innovations that may answer a challenge, each with the
reasons (shared words, domain, use by similar municipalities, maturity)."""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least
from django.utils.translation import gettext as _

from core.database import on_postgresql
from innovations.catalogue import SEARCH_CONFIG
from innovations.enums import Domain, domain_mask
from innovations.models import Innovation
from innovations.vocabulary import document_counts

from .enums import Verification
from .models import Adoption, Challenge, Municipality
from .selectors import similar_adoptions, similar_count

# --- Matchmaking --------------------------------------------------------------------------

# Words that say nothing about the problem (the Dutch text search configuration drops its
# own stop words too; this list keeps the fallback and the queries short).
STOP_WORDS = set(
    """
    aan als bij dan dat deze die dit door een eens geen het hoe hun iets ook maar meer
    met naar niet nog ons onze ook over tot uit van veel voor wat waar welke wij wordt
    worden zijn zich zo zoals kan kunnen moet moeten willen wil hebben heeft onze
    per samen zonder groot grote grotere klein kleine jaar jaren minder nieuw nieuwe
    goed goede beter betere andere anders steeds vaak zoeken zoekt oplossing oplossingen
    manier manieren graag daar hier want omdat wanneer tussen tegen onder boven sinds
    slim slimme slimmer gemeente gemeenten inwoners the and for with that this from are our
    """.split()
)
MAX_WORDS = 30
# The words that count: of the statement's significant words, the SPECIFIC_WORDS that the
# fewest innovations contain (the search vocabulary's document counts). A word that half
# the catalogue contains ("aanpak", "maanden") says little about the problem, and with
# every word counting alike such words made most of the catalogue fully relevant at
# national scale (docs/performance.md, bench/notes.md).
SPECIFIC_WORDS = 8
# A word of this many letters or more also matches as a prefix.
PREFIX_FROM = 5

# How much each reason weighs in the score; every part is between 0 and its weight.
WEIGHT_TEXT = 4.0
WEIGHT_DOMAIN = 2.0
WEIGHT_SIMILAR = 1.5  # reached at SIMILAR_CAP adoptions by similar municipalities
SIMILAR_CAP = 5
WEIGHT_MATURITY = 1.0  # TRL 9
# Text relevance is the share of the specific words an innovation contains: a word in
# the title counts 1, in the summary or description 1/2, and TEXT_FULL_AT points are full
# relevance. (ts_rank of an OR query shrinks with the number of words in it, so it cannot be
# weighed against the other reasons; this share has the same scale on both backends.)
# Below TEXT_MIN (one word in the description) a match is noise and not a reason.
TEXT_FULL_AT = 5
TEXT_MIN = 0.2


def significant_words(text: str) -> list[str]:
    """The distinct words of `text` worth matching on, in order, lower case."""
    words = []
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        if len(word) >= 3 and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def specific_words(words: list[str]) -> tuple[list[str], dict[str, int]]:
    """The SPECIFIC_WORDS of `words` that the fewest innovations contain, rarest first
    (words the catalogue does not hold at all come last: they match nothing), and the
    document count of each. One query (innovations.vocabulary)."""
    counts = document_counts(words, prefix_from=PREFIX_FROM)
    order = {word: n for n, word in enumerate(words)}
    chosen = sorted(words, key=lambda w: (counts[w] == 0, counts[w], order[w]))
    return chosen[:SPECIFIC_WORDS], counts


def _term(word: str, weights: str) -> str:
    # A word of PREFIX_FROM letters or more also matches as a prefix, so "warmte" finds
    # "warmtepomp"; the weight letters restrict it to title (A) or summary and description
    # (BC), never the supplier's name (D). Words are letters only: the query is well-formed.
    return f"{word}:*{weights}" if len(word) >= PREFIX_FROM else f"{word}:{weights}"


def _query(words: list[str], weights: str) -> SearchQuery:
    return SearchQuery(
        " | ".join(_term(word, weights) for word in words),
        search_type="raw",
        config=SEARCH_CONFIG,
    )


def _text_postgres(words: list[str]):
    """Relevance on PostgreSQL's full text search: per-word matches of the stored vector
    (kept by a trigger, innovations migration 0004) score."""
    parts = [
        Case(
            When(search_vector=_query([word], "A"), then=Value(1.0)),
            When(search_vector=_query([word], "BC"), then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        for word in words
    ]
    return _share(parts)


# The candidates scored in full on PostgreSQL: the SUGGESTION_POOL best text matches and
# the DOMAIN_POOL most adopted innovations of the challenge's domain.
SUGGESTION_POOL = 60
DOMAIN_POOL = 20
# The text matches are drawn from the rarest specific words, as many as together occur in
# at most POOL_DOCUMENTS innovations (at least one word): every match is read to rank it.
POOL_DOCUMENTS = 2000


def _candidates_postgres(words: list[str], counts: dict[str, int], domain: str):
    """The ids of the candidates worth scoring, as a subquery (docs/performance.md):

    - text: the innovations that hold one of the rarest of `words` (most specific first,
      until together they occur in POOL_DOCUMENTS innovations; found through the
      full-text index), the SUGGESTION_POOL best by ts_rank of all `words` on the title
      and summary (`rank_vector`, small) and the domain;
    - domain: the DOMAIN_POOL most adopted innovations of the domain (a bit test on
      `domain_mask` along the "most adopted" index), where adoptions by similar
      municipalities are likeliest."""
    in_domain = Q(domain_hit__gt=0)
    published = Innovation.objects.current().alias(
        domain_hit=F("domain_mask").bitand(domain_mask([domain]))
    )
    pool_words, documents = [], 0
    for word in words:
        if counts[word] == 0 or (pool_words and documents + counts[word] > POOL_DOCUMENTS):
            break
        pool_words.append(word)
        documents += counts[word]
    by_adoptions = (
        published.filter(in_domain)
        .order_by(F("adoption_count").desc(), F("published_at").desc(nulls_last=True), "-pk")
        .values("pk")[:DOMAIN_POOL]
    )
    if not pool_words:
        return by_adoptions
    pre = ExpressionWrapper(
        Func(F("rank_vector"), _query(words, "ABC"), function="ts_rank", output_field=FloatField())
        + Case(When(in_domain, then=Value(0.5)), default=Value(0.0)),
        output_field=FloatField(),
    )
    by_text = (
        published.filter(search_vector=_query(pool_words, "ABC"))
        .annotate(pre=pre)
        .order_by("-pre", "pk")
        .values("pk")[:SUGGESTION_POOL]
    )
    return by_text.union(by_adoptions, all=True)


def _stem(word: str) -> str:
    # A crude Dutch suffix strip for the fallback, so that "scholen" also finds "school…".
    for suffix in ("en", "s", "e"):
        if len(word) > 5 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _text_fallback(words: list[str]):
    """The same share on other databases, by case-insensitive substrings."""
    parts = [
        Case(
            When(title__icontains=_stem(word), then=Value(1.0)),
            When(
                Q(summary__icontains=_stem(word)) | Q(description__icontains=_stem(word)),
                then=Value(0.5),
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
        for word in words
    ]
    return _share(parts)


def _share(parts):
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return Least(total / Value(float(TEXT_FULL_AT)), Value(1.0), output_field=FloatField())


@dataclass
class Reason:
    code: str  # text | domain | similar_adoptions | maturity
    label: str
    points: float


@dataclass
class Suggestion:
    innovation: Innovation
    score: float
    reasons: list[Reason] = field(default_factory=list)
    similar_municipalities: list[Municipality] = field(default_factory=list)


def challenge_suggestions(challenge: Challenge, limit: int = 10) -> list[Suggestion]:
    """Approved innovations that may solve `challenge`, best first, each with its reasons.

    One annotated query scores the candidates in the database: text relevance of the
    innovation to the challenge's most specific words (PostgreSQL full text search in the
    Dutch configuration of the catalogue, a substring fallback elsewhere), the same domain,
    verified adoptions by similar municipalities (same province or size class), and
    maturity. Candidates match a word or the domain; innovations the municipality already
    uses are left out. On PostgreSQL only a pool of likely candidates is scored
    (_candidates_postgres). Before it, one query for the words' document counts; after
    it, one for the similar adopters of the chosen few and one for their domains."""
    municipality = challenge.municipality
    statement = f"{challenge.title} {challenge.problem_statement}"
    words, counts = specific_words(significant_words(statement))
    # Suggestions only from innovations whose approval is valid (innovations/vetting.py).
    queryset = (
        Innovation.objects.current()
        .alias(domain_hit=F("domain_mask").bitand(domain_mask([challenge.domain])))
        .annotate(domain_match=ExpressionWrapper(Q(domain_hit__gt=0), output_field=BooleanField()))
    )
    already_used = Exists(
        Adoption.objects.filter(innovation=OuterRef("pk"), municipality=municipality).exclude(
            verification=Verification.REJECTED
        )
    )
    candidates = Q(domain_hit__gt=0)
    if on_postgresql():
        # Scoring every innovation that shares a word with a problem statement took seconds
        # at national scale (docs/performance.md): only the pool is scored.
        queryset = queryset.filter(pk__in=_candidates_postgres(words, counts, challenge.domain))
    if not words:
        queryset = queryset.annotate(text_relevance=Value(0.0, output_field=FloatField()))
    elif on_postgresql():
        queryset = queryset.annotate(text_relevance=_text_postgres(words))
        candidates |= Q(search_vector=_query(words, "ABC"))
    else:
        queryset = queryset.annotate(text_relevance=_text_fallback(words))
        candidates |= Q(text_relevance__gt=0)
    score = (
        Value(WEIGHT_TEXT) * F("text_relevance")
        + Case(When(domain_match=True, then=Value(WEIGHT_DOMAIN)), default=Value(0.0))
        + Value(WEIGHT_SIMILAR / SIMILAR_CAP)
        * Cast(Least(F("similar_count"), Value(SIMILAR_CAP)), FloatField())
        + Value(WEIGHT_MATURITY / 9) * Cast(Coalesce(F("maturity"), 0), FloatField())
    )
    queryset = (
        queryset.filter(candidates)
        .filter(~already_used)
        .annotate(similar_count=similar_count(municipality))
        .annotate(score=ExpressionWrapper(score, output_field=FloatField()))
        .select_related("supplier")
        .prefetch_related(
            Prefetch(
                "adoptions",
                queryset=similar_adoptions(municipality)
                .select_related("municipality")
                .order_by("started_on", "id"),
                to_attr="similar_adoptions",
            ),
            "domains",
        )
        .order_by("-score", "-similar_count", "title", "id")
    )[:limit]
    suggestions = [_suggestion(innovation, challenge) for innovation in queryset]
    # A candidate that shares only a common word with the problem (below TEXT_MIN) and is of
    # another domain has no real reason to be suggested.
    return [s for s in suggestions if {r.code for r in s.reasons} & {"text", "domain"}]


def _suggestion(innovation: Innovation, challenge: Challenge) -> Suggestion:
    municipality = challenge.municipality
    reasons = []
    if innovation.text_relevance >= TEXT_MIN:
        reasons.append(
            Reason(
                "text",
                _("Its description matches the words of the problem statement."),
                round(WEIGHT_TEXT * innovation.text_relevance, 2),
            )
        )
    if innovation.domain_match:
        reasons.append(
            Reason(
                "domain",
                _("Same domain: %(domain)s.") % {"domain": Domain(challenge.domain).label},
                WEIGHT_DOMAIN,
            )
        )
    similar = [adoption.municipality for adoption in innovation.similar_adoptions]
    if innovation.similar_count:
        same_province = [m for m in similar if m.province_code == municipality.province_code]
        same_size = [m for m in similar if m.province_code != municipality.province_code]
        parts = []
        if same_province:
            parts.append(
                _("in the province of %(province)s: %(names)s")
                % {"province": municipality.province, "names": _names(same_province)}
            )
        if same_size:
            parts.append(_("of the same size: %(names)s") % {"names": _names(same_size)})
        reasons.append(
            Reason(
                "similar_adoptions",
                _("Used by similar municipalities, %(which)s.") % {"which": "; ".join(parts)},
                round(WEIGHT_SIMILAR / SIMILAR_CAP * min(innovation.similar_count, SIMILAR_CAP), 2),
            )
        )
    if innovation.maturity:
        reasons.append(
            Reason(
                "maturity",
                _("Maturity: technology readiness level %(trl)s of 9.")
                % {"trl": innovation.maturity},
                round(WEIGHT_MATURITY / 9 * innovation.maturity, 2),
            )
        )
    return Suggestion(
        innovation=innovation,
        score=round(innovation.score, 3),
        reasons=reasons,
        similar_municipalities=similar,
    )


def _names(municipalities: list[Municipality], limit: int = 4) -> str:
    names = [m.name for m in municipalities[:limit]]
    if len(municipalities) > limit:
        names.append(_("and %(count)s more") % {"count": len(municipalities) - limit})
    return ", ".join(names)
