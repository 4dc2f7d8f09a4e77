"""Dutch full-text search of the catalogue, on PostgreSQL and on SQLite alike.

Query syntax (the help text of the search field says it in both languages): words must all
occur; `of` or `or` between two terms means either; "quotes" make a phrase; a minus before
a word or phrase leaves out what contains it. Every word matches as a prefix, in its
stemmed form and as typed ("fietsen" finds "fietsenstalling", "gemeen" finds "gemeenten").

Words are normalised here, in Python, the same way on both databases: lower case, accents
folded, Dutch stop words dropped, stemmed with the Dutch Snowball stemmer ("dutch_porter"
of `snowballstemmer`, the algorithm of PostgreSQL's `dutch_stem`), so the recall test set
(tests/innovations/test_recall.py) gives the same hits on both.

Compound words: Dutch writes them as one word ("straatverlichting"). A search word of at
least four letters also finds the indexed words that contain its stem after a first part
of at least three letters ("verlichting" → "straatverlichting", "lamp" → "ledlampen",
"sensor" → "bewegingssensoren", "water" → "regenwateropvang"). These come from the
catalogue's own vocabulary (every indexed word), looked up at query time: on PostgreSQL a
table kept by the search trigger with a trigram index, on SQLite the FTS5 index's
vocabulary. Whole-word matches rank above matches on a part of a compound.
docs/performance.md says why this technique and not a Hunspell dictionary or pg_trgm.

- PostgreSQL: the stored `search_vector` (title A, summary B, description C, supplier's
  name D) matched with a tsquery built here; ranked by ts_rank on `rank_vector` (title and
  summary only, see migration 0006). The catalogue searches the copies of both in its
  narrow rows (listing.Listing: `match_vector`, stripped of positions) unless a phrase
  needs the positions (catalogue.uses_listing).
- SQLite (the embedded default): an FTS5 table of the stemmed title, summary, description
  and supplier's name, kept by triggers (migration 0008, which call the Python function
  registered by `register_sqlite_functions`); ranked by bm25."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQueryField
from django.db import connection
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL

from core.database import on_postgresql

MAX_QUERY_LENGTH = 200
MAX_SEARCH_WORDS = 8
# Words shorter than this are not looked for inside compounds ("led" would find too much).
MIN_COMPOUND_WORD = 4
# The first part of a compound before the word: at least this long ("klamp" is no "lamp").
MIN_COMPOUND_HEAD = 3
MAX_COMPOUNDS_PER_WORD = 200

# PostgreSQL's Dutch stop word list (tsearch_data/dutch.stop), so both databases drop the same.
STOP_WORDS = frozenset(
    """de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er
    maar om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der
    daar haar naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets
    worden toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder ja
    eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets
    uw iemand geweest andere""".split()
)
OR_WORDS = frozenset({"or", "of"})

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("dutch_porter")


def fold(word: str) -> str:
    """Lower case without accents: "Crèche" → "creche"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The Dutch Snowball stem of a folded word."""
    return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    return [fold(word) for word in _WORD.findall(text or "")]


def index_text(text: str) -> str:
    """What SQLite's full-text index stores for `text`: every word folded and stemmed
    (stop words kept, so phrases keep their positions)."""
    return " ".join(stem(word) for word in words(text))


# --- Parsing -------------------------------------------------------------------------------


def parse_query(text: str) -> list[list[dict]]:
    """Split a search into AND-ed groups of OR-ed terms: `a b of c -d "e f"` →
    [[a], [b, c], [-d], ["e f"]]. Each term is {"words": [...], "phrase": bool,
    "negated": bool} with the words folded; stop words are dropped outside phrases.
    Unbalanced quotes close at the end; operators with nothing to join are ignored."""
    groups: list[list[dict]] = []
    pending_or = False
    words_used = 0
    for match in _TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() in OR_WORDS:
            pending_or = bool(groups)
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-"))
        found = words(phrase if phrase is not None else bare)
        if phrase is None or len(found) == 1:
            found = [word for word in found if word not in STOP_WORDS]
        found = found[: MAX_SEARCH_WORDS - words_used]
        if not found:
            continue
        words_used += len(found)
        if phrase is not None and len(found) > 1:
            terms = [{"words": found, "phrase": True, "negated": negated}]
        else:
            # "energie-opslag" is two words that must both occur.
            terms = [{"words": [word], "phrase": False, "negated": negated} for word in found]
        if pending_or:
            groups[-1].append(terms[0])
            groups.extend([term] for term in terms[1:])
        else:
            groups.extend([term] for term in terms)
        pending_or = False
    return groups


def has_search_words(text: str) -> bool:
    """Does `text` hold anything to search for (not only stop words and operators)?"""
    return bool(parse_query(text or ""))


# --- Compounds -----------------------------------------------------------------------------


def _vocabulary_matches(patterns: list[str]) -> list[str]:
    """Indexed words containing any of `patterns` (one query)."""
    if not patterns:
        return []
    likes = ["%" + p.replace("\\", "").replace("%", "").replace("_", "") + "%" for p in patterns]
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute(
                "SELECT term FROM innovations_searchterm WHERE term LIKE ANY(%s)", [likes]
            )
        else:
            where = " OR ".join(["term LIKE %s"] * len(likes))
            cursor.execute(
                "SELECT term FROM innovations_search_vocab WHERE " + where,  # noqa: S608  # nosec B608
                likes,
            )
        return [row[0] for row in cursor.fetchall()]


def _is_part(term: str, word: str, stemmed: str) -> bool:
    """Does `term` (an indexed, stemmed word) hold `word` as a later part of a compound?
    The part starts after a head of MIN_COMPOUND_HEAD letters and either begins with the
    word's stem ("regenwateropvang" holds "water") or is itself the start of the word or
    its stem: a compound's stem loses endings the lone word keeps ("fietsenstalling" is
    stemmed to 'fietsenstall', "stalling" to 'stalling')."""
    key = stemmed[:MIN_COMPOUND_WORD]
    at = term.find(key, MIN_COMPOUND_HEAD)
    while at >= MIN_COMPOUND_HEAD:
        tail = term[at:]
        if tail.startswith(stemmed) or (
            len(tail) >= MIN_COMPOUND_WORD and (word.startswith(tail) or stemmed.startswith(tail))
        ):
            return True
        at = term.find(key, at + 1)
    return False


def compounds(search_words: list[str]) -> dict[str, list[str]]:
    """Per search word (folded): the indexed words that hold it as a later part of a
    compound, shortest first, at most MAX_COMPOUNDS_PER_WORD."""
    wanted = [w for w in dict.fromkeys(search_words) if len(w) >= MIN_COMPOUND_WORD]
    found: dict[str, list[str]] = {w: [] for w in search_words}
    keys = sorted({stem(w)[:MIN_COMPOUND_WORD] for w in wanted})
    for term in sorted(_vocabulary_matches(keys), key=lambda t: (len(t), t)):
        for word in wanted:
            if len(found[word]) < MAX_COMPOUNDS_PER_WORD and _is_part(term, word, stem(word)):
                found[word].append(term)
    return found


def _compounds_of(groups: list[list[dict]]) -> dict[str, list[str]]:
    return compounds(
        [
            term["words"][0]
            for group in groups
            for term in group
            if not term["phrase"] and not term["negated"]
        ]
    )


# --- PostgreSQL ----------------------------------------------------------------------------


def _lexeme(word: str, prefix: bool = False) -> str:
    # A tsquery literal: quoted, quotes and backslashes escaped.
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


def _pg_phrase(found: list[str]) -> str:
    parts, gap = [], 1
    for word in found:
        if word in STOP_WORDS:
            gap += 1  # a dropped stop word still takes a position
            continue
        if parts:
            parts.append(f"<{gap}>")
        parts.append(_lexeme(stem(word)))
        gap = 1
    return "(" + " ".join(parts) + ")" if parts else ""


def _pg_word(word: str, parts: list[str]) -> tuple[str, str]:
    """(whole-word tsquery, compound tsquery or "") of one word."""
    stemmed = stem(word)
    whole = {_lexeme(stemmed, prefix=True), _lexeme(word, prefix=True)}
    whole_sql = "(" + " | ".join(sorted(whole)) + ")"
    compound_sql = " | ".join(_lexeme(term) for term in parts)
    return whole_sql, compound_sql


def postgres_queries(groups: list[list[dict]], found: dict[str, list[str]]) -> tuple[str, str]:
    """(the tsquery that matches, the tsquery of the whole words only) as text."""
    matching, whole_only = [], []
    for group in groups:
        alternatives, whole_alternatives = [], []
        for term in group:
            if term["phrase"]:
                sql = _pg_phrase(term["words"])
                whole = sql
            else:
                whole, extra = _pg_word(term["words"][0], found.get(term["words"][0], []))
                sql = f"({whole} | {extra})" if extra and not term["negated"] else whole
            if term["negated"]:
                sql = whole = f"!{whole}"
            alternatives.append(sql)
            whole_alternatives.append(whole)
        matching.append("(" + " | ".join(alternatives) + ")")
        whole_only.append("(" + " | ".join(whole_alternatives) + ")")
    return " & ".join(matching), " & ".join(whole_only)


class _TsQuery(Func):
    template = "CAST(%(expressions)s AS tsquery)"
    output_field = SearchQueryField()


class _Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def _postgres_search(queryset: QuerySet, groups: list[list[dict]], found) -> QuerySet:
    matching, whole = postgres_queries(groups, found)
    query = _TsQuery(Value(matching))
    # The catalogue's narrow rows (listing.Listing) match on the stripped copy of the vector.
    vector = (
        "match_vector"
        if queryset.model._meta.db_table == "innovations_listing"
        else ("search_vector")
    )
    rank = Func(
        F("rank_vector"), _TsQuery(Value(whole)), function="ts_rank", output_field=FloatField()
    )
    if matching != whole:
        # A compound-part match ranks a tenth of a whole-word match in the same field.
        partial = Func(F("rank_vector"), query, function="ts_rank", output_field=FloatField())
        rank = rank + Value(0.1) * partial
    return queryset.filter(_Matches(F(vector), query)).annotate(rank=rank)


# --- SQLite --------------------------------------------------------------------------------


def _fts_string(token: str, prefix: bool = False) -> str:
    return '"' + token.replace('"', '""') + '"' + ("*" if prefix else "")


def _fts_term(term: dict, parts: list[str], with_compounds: bool) -> str:
    if term["phrase"]:
        tokens = [stem(word) for word in term["words"]]
        return _fts_string(" ".join(tokens))
    word = term["words"][0]
    options = {_fts_string(stem(word), prefix=True), _fts_string(word, prefix=True)}
    if with_compounds:
        options |= {_fts_string(part) for part in parts}
    return "(" + " OR ".join(sorted(options)) + ")"


_FTS_IDS = "SELECT rowid FROM innovations_search WHERE innovations_search MATCH %s"
# Column weights of bm25: title, summary, description, supplier's name.
_FTS_RANK = (
    "COALESCE((SELECT -bm25(innovations_search, 10.0, 4.0, 1.0, 0.5) FROM innovations_search "
    "WHERE innovations_search MATCH %s AND rowid = innovations_innovation.id), 0)"
)


def _sqlite_search(queryset: QuerySet, groups: list[list[dict]], found) -> QuerySet:
    condition = Q()
    positive, whole_positive = [], []
    for group in groups:
        alternatives = Q()
        for term in group:
            parts = found.get(term["words"][0], []) if not term["phrase"] else []
            match = _fts_term(term, parts, with_compounds=not term["negated"])
            ids = RawSQL(_FTS_IDS, [match])  # noqa: S611  # nosec B611 - fixed SQL, a parameter
            alternatives |= ~Q(pk__in=ids) if term["negated"] else Q(pk__in=ids)
            if not term["negated"]:
                positive.append(match)
                whole_positive.append(_fts_term(term, parts, with_compounds=False))
        condition &= alternatives
    queryset = queryset.filter(condition)
    if not positive:
        return queryset.annotate(rank=Value(0.0))
    any_match = " OR ".join(positive)
    any_whole = " OR ".join(whole_positive)
    # Fixed SQL; the match expressions are parameters.
    score = RawSQL(_FTS_RANK, [any_match])  # noqa: S611  # nosec B611
    whole = RawSQL(_FTS_RANK, [any_whole])  # noqa: S611  # nosec B611
    # Whole-word matches first: their bm25 counts ten times a compound-part match.
    return queryset.annotate(rank=ExpressionWrapper(whole * 10 + score, FloatField()))


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created: the function SQLite's search triggers call (migration 0008)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "koploper_search_text", 1, lambda text: index_text(text or ""), deterministic=True
        )


# --- Both ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """A parsed search with its compounds looked up (one query): apply it to as many
    querysets as a page needs (its list, its count, its facets) without looking again."""

    groups: list
    compounds: dict

    @classmethod
    def of(cls, text: str) -> "Search":
        groups = parse_query(text or "")
        return cls(groups=groups, compounds=_compounds_of(groups) if groups else {})

    @property
    def has_phrase(self) -> bool:
        """Does a term need word positions (a phrase), which stripped vectors lack?"""
        return any(term["phrase"] for group in self.groups for term in group)

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The innovations of `queryset` that match, annotated with `rank` (higher is
        better). Without a word to search for, the queryset as it is (rank 0)."""
        if not self.groups:
            return queryset.annotate(rank=Value(0.0))
        if on_postgresql():
            return _postgres_search(queryset, self.groups, self.compounds)
        return _sqlite_search(queryset, self.groups, self.compounds)


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Innovations of `queryset` matching `text`, annotated with `rank`."""
    return Search.of(text).apply(queryset)
