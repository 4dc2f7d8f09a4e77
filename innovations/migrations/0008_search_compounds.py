"""Search that finds Dutch compounds, and real full-text search on SQLite (innovations/search.py).

PostgreSQL: `innovations_searchterm`, the vocabulary of every lexeme in a search vector,
kept by the search trigger (each new lexeme is added; none is removed, a stale one finds
nothing), with a trigram index (pg_trgm, a trusted extension) so that the words containing
a search word are found in milliseconds. Without pg_trgm the lookup scans the vocabulary.

SQLite: `innovations_search`, an FTS5 table of the folded and stemmed title, summary,
description and supplier's name (Dutch Snowball, in Python: the triggers call
`koploper_search_text`, registered on every connection by innovations.apps), and its
vocabulary `innovations_search_vocab`."""

from django.db import DatabaseError, migrations, transaction

PG_VOCABULARY = """
CREATE TABLE innovations_searchterm (term text PRIMARY KEY);

CREATE OR REPLACE FUNCTION innovations_innovation_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.rank_vector :=
        setweight(to_tsvector('koploper_dutch', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('koploper_dutch', coalesce(NEW.summary, '')), 'B');
    NEW.search_vector :=
        NEW.rank_vector
        || setweight(to_tsvector('koploper_dutch', coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('koploper_dutch', coalesce(
            (SELECT name FROM innovations_supplier WHERE id = NEW.supplier_id), '')), 'D');
    INSERT INTO innovations_searchterm (term)
        SELECT lexeme FROM unnest(tsvector_to_array(NEW.search_vector)) AS lexeme
        ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$$;

INSERT INTO innovations_searchterm (term)
    SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM innovations_innovation
    ON CONFLICT DO NOTHING;
"""

PG_TRIGRAM = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX innovations_searchterm_trgm ON innovations_searchterm USING gin (term gin_trgm_ops);
"""

PG_PREVIOUS = """
CREATE OR REPLACE FUNCTION innovations_innovation_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.rank_vector :=
        setweight(to_tsvector('koploper_dutch', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('koploper_dutch', coalesce(NEW.summary, '')), 'B');
    NEW.search_vector :=
        NEW.rank_vector
        || setweight(to_tsvector('koploper_dutch', coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('koploper_dutch', coalesce(
            (SELECT name FROM innovations_supplier WHERE id = NEW.supplier_id), '')), 'D');
    RETURN NEW;
END
$$;
DROP TABLE IF EXISTS innovations_searchterm;
"""

SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE innovations_search USING fts5(
        title, summary, description, supplier, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    "CREATE VIRTUAL TABLE innovations_search_vocab USING fts5vocab(innovations_search, 'row')",
    """CREATE TRIGGER innovations_search_insert AFTER INSERT ON innovations_innovation BEGIN
        INSERT INTO innovations_search (rowid, title, summary, description, supplier) VALUES (
            NEW.id, koploper_search_text(NEW.title), koploper_search_text(NEW.summary),
            koploper_search_text(NEW.description), koploper_search_text(
                (SELECT name FROM innovations_supplier WHERE id = NEW.supplier_id)));
    END""",
    """CREATE TRIGGER innovations_search_update
        AFTER UPDATE OF title, summary, description, supplier_id ON innovations_innovation BEGIN
        DELETE FROM innovations_search WHERE rowid = OLD.id;
        INSERT INTO innovations_search (rowid, title, summary, description, supplier) VALUES (
            NEW.id, koploper_search_text(NEW.title), koploper_search_text(NEW.summary),
            koploper_search_text(NEW.description), koploper_search_text(
                (SELECT name FROM innovations_supplier WHERE id = NEW.supplier_id)));
    END""",
    """CREATE TRIGGER innovations_search_delete AFTER DELETE ON innovations_innovation BEGIN
        DELETE FROM innovations_search WHERE rowid = OLD.id;
    END""",
    """CREATE TRIGGER innovations_search_supplier AFTER UPDATE OF name ON innovations_supplier
        BEGIN
        UPDATE innovations_search SET supplier = koploper_search_text(NEW.name)
            WHERE rowid IN (SELECT id FROM innovations_innovation WHERE supplier_id = NEW.id);
    END""",
    """INSERT INTO innovations_search (rowid, title, summary, description, supplier)
        SELECT i.id, koploper_search_text(i.title), koploper_search_text(i.summary),
            koploper_search_text(i.description), koploper_search_text(s.name)
        FROM innovations_innovation i JOIN innovations_supplier s ON s.id = i.supplier_id""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS innovations_search_supplier",
    "DROP TRIGGER IF EXISTS innovations_search_delete",
    "DROP TRIGGER IF EXISTS innovations_search_update",
    "DROP TRIGGER IF EXISTS innovations_search_insert",
    "DROP TABLE IF EXISTS innovations_search_vocab",
    "DROP TABLE IF EXISTS innovations_search",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_VOCABULARY)
        try:
            # A savepoint, so that a refused extension leaves the migration usable.
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute(PG_TRIGRAM)
        except DatabaseError:
            pass  # the vocabulary is scanned instead: slower, same results
    elif vendor == "sqlite":
        for statement in SQLITE_SEARCH:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_PREVIOUS)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0007_adoption_facts")]

    operations = [migrations.RunPython(forwards, backwards)]
