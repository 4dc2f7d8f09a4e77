"""The search vocabulary keeps, for each word, in how many innovations it occurs
(`innovations_searchterm.documents`), so that a challenge's suggestions can start from its
most specific words (municipalities/matchmaking.py, innovations/vocabulary.py).

PostgreSQL: kept in the writing transaction by triggers on innovations_innovation — one
per INSERT statement (a transition table: a bulk COPY adds its counts in one statement),
one per updated row whose search vector changed (a new text, another supplier's name),
one per DELETE statement. Terms are upserted in term order, so that concurrent writers
take their row locks in one order. Counted over every innovation, whatever its status:
the count says how common a word is, not what the catalogue shows. A prefix index serves
the look-ups by prefix ("warmte" → every term starting with "warmt").

SQLite counts nothing here: its FTS5 vocabulary (`innovations_search_vocab`, migration
0008) already has the document count of every term (`doc`)."""

from django.db import migrations

FORWARDS = """
ALTER TABLE innovations_searchterm ADD COLUMN documents integer NOT NULL DEFAULT 0;
CREATE INDEX innovations_searchterm_prefix ON innovations_searchterm (term text_pattern_ops);

CREATE FUNCTION innovations_searchterm_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_searchterm AS t (term, documents)
        SELECT lexeme, count(*)
        FROM new_rows, unnest(tsvector_to_array(new_rows.search_vector)) AS lexeme
        GROUP BY lexeme ORDER BY lexeme
        ON CONFLICT (term) DO UPDATE SET documents = t.documents + EXCLUDED.documents;
    RETURN NULL;
END
$$;

CREATE FUNCTION innovations_searchterm_count_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    terms text[];
    changes integer[];
BEGIN
    SELECT array_agg(lexeme ORDER BY lexeme), array_agg(n ORDER BY lexeme)
    INTO terms, changes
    FROM (
        SELECT lexeme, sum(n) AS n FROM (
            SELECT unnest(tsvector_to_array(NEW.search_vector)), 1
            UNION ALL
            SELECT unnest(tsvector_to_array(OLD.search_vector)), -1
        ) AS d (lexeme, n)
        GROUP BY lexeme HAVING sum(n) <> 0
    ) AS c;
    IF terms IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM innovations_searchterm WHERE term = ANY(terms) ORDER BY term FOR UPDATE;
    UPDATE innovations_searchterm AS t SET documents = greatest(t.documents + c.n, 0)
    FROM unnest(terms, changes) AS c (lexeme, n)
    WHERE t.term = c.lexeme;
    -- The search trigger adds every new term before this runs; in case one is missing:
    INSERT INTO innovations_searchterm (term, documents)
        SELECT lexeme, n FROM unnest(terms, changes) AS c (lexeme, n) WHERE n > 0
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE FUNCTION innovations_searchterm_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM innovations_searchterm
    WHERE term IN (SELECT unnest(tsvector_to_array(search_vector)) FROM old_rows)
    ORDER BY term FOR UPDATE;
    UPDATE innovations_searchterm AS t SET documents = greatest(t.documents - d.n, 0)
    FROM (
        SELECT lexeme, count(*) AS n
        FROM old_rows, unnest(tsvector_to_array(old_rows.search_vector)) AS lexeme
        GROUP BY lexeme
    ) AS d
    WHERE t.term = d.lexeme;
    RETURN NULL;
END
$$;

CREATE TRIGGER innovations_searchterm_count_insert
    AFTER INSERT ON innovations_innovation REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION innovations_searchterm_count_inserted();
CREATE TRIGGER innovations_searchterm_count_update
    AFTER UPDATE ON innovations_innovation
    FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector)
    EXECUTE FUNCTION innovations_searchterm_count_updated();
CREATE TRIGGER innovations_searchterm_count_delete
    AFTER DELETE ON innovations_innovation REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION innovations_searchterm_count_deleted();

UPDATE innovations_searchterm AS t SET documents = c.n
FROM (
    SELECT lexeme, count(*) AS n
    FROM innovations_innovation, unnest(tsvector_to_array(search_vector)) AS lexeme
    GROUP BY lexeme
) AS c
WHERE t.term = c.lexeme;
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS innovations_searchterm_count_delete ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_searchterm_count_update ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_searchterm_count_insert ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_searchterm_count_deleted();
DROP FUNCTION IF EXISTS innovations_searchterm_count_updated();
DROP FUNCTION IF EXISTS innovations_searchterm_count_inserted();
DROP INDEX IF EXISTS innovations_searchterm_prefix;
ALTER TABLE innovations_searchterm DROP COLUMN IF EXISTS documents;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0015_published_title")]

    operations = [migrations.RunPython(forwards, backwards)]
