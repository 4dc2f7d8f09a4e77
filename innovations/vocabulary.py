"""How common a word is in the catalogue: the document counts of the search vocabulary.

Both databases keep, for every indexed term (a stemmed word), in how many innovations it
occurs: on PostgreSQL `innovations_searchterm.documents`, kept by triggers in the
writing transaction (migration 0016), on SQLite the FTS5 vocabulary's `doc` column
(migration 0008). A challenge's suggestions start from its most specific words, the ones
the fewest innovations contain (municipalities/matchmaking.py)."""

from django.db import connection

from core.database import on_postgresql

from .catalogue import SEARCH_CONFIG
from .search import fold, stem

# The highest code point: every term that starts with a prefix sorts below prefix + this.
_LAST = chr(0x10FFFF)

_POSTGRES = """
SELECT w.word, coalesce(sum(t.documents), 0)
FROM unnest(%s::text[]) AS w (word)
CROSS JOIN LATERAL (
    SELECT lexeme
    FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, w.word))) AS lexeme
    LIMIT 1
) AS s
LEFT JOIN innovations_searchterm AS t
    ON t.term ~>=~ s.lexeme AND t.term ~<~ (s.lexeme || %s)
    AND (length(w.word) >= %s OR t.term = s.lexeme)
GROUP BY w.word
"""


def document_counts(words: list[str], *, prefix_from: int) -> dict[str, int]:
    """For each of `words` (lower case, letters only): in how many innovations a term it
    matches occurs — its stem, and for a word of `prefix_from` letters or more every
    term that starts with its stem (the way text search matches it; a compound with
    several such terms counts once per term, so this is an upper bound). A stop word or
    a word the catalogue does not hold counts 0. One query."""
    if not words:
        return {}
    counts = dict.fromkeys(words, 0)
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute(_POSTGRES, [list(counts), SEARCH_CONFIG, _LAST, prefix_from])
            counts.update({word: int(n) for word, n in cursor.fetchall()})
            return counts
        stems = {word: stem(fold(word)) for word in counts}
        parts, params = [], []
        for word, stemmed in stems.items():
            if len(word) >= prefix_from:
                parts.append(
                    "SELECT %s, sum(doc) FROM innovations_search_vocab "
                    "WHERE term >= %s AND term < %s"
                )
                params += [word, stemmed, stemmed + _LAST]
            else:
                parts.append("SELECT %s, sum(doc) FROM innovations_search_vocab WHERE term = %s")
                params += [word, stemmed]
        cursor.execute(" UNION ALL ".join(parts), params)
        counts.update({word: int(n or 0) for word, n in cursor.fetchall()})
    return counts
