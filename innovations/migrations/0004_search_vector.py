"""Full-text search on PostgreSQL: Dutch text search configurations, the trigger that keeps
`Innovation.search_vector` up to date, and its GIN index. Does nothing on other databases
(SQLite uses the icontains fallback in innovations.catalogue).

Two configurations, used by innovations.catalogue:
- `koploper_dutch`: the built-in `dutch` configuration (Snowball stemmer, Dutch stop words)
  with `unaccent` in front of it, so "café" and "cafe" are the same word. Used for the
  stored vector and for the stemmed form of each search word.
- `koploper_dutch_prefix`: unaccented and lower-cased but NOT stemmed (Dutch stop words
  still dropped). A partial word is not always stemmed to a prefix of the full word's stem
  ("gemeen" → 'gemen', "gemeenten" → 'gemeent'), so each search word is also matched as a
  prefix in this unstemmed form.

`unaccent` is a trusted extension (PostgreSQL 13+), so a database owner can create it. If
it cannot be created, both configurations are made without it: search still works, only
accents are not folded (the Dutch stemmer itself already folds é, ë, ï, ö, ü and friends).
"""

from django.db import DatabaseError, migrations, transaction

CREATE_CONFIGURATIONS = """
CREATE TEXT SEARCH CONFIGURATION koploper_dutch (COPY = dutch);
CREATE TEXT SEARCH DICTIONARY koploper_dutch_words (TEMPLATE = simple, STOPWORDS = dutch);
CREATE TEXT SEARCH CONFIGURATION koploper_dutch_prefix (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION koploper_dutch_prefix
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH koploper_dutch_words;
"""

ADD_UNACCENT = """
ALTER TEXT SEARCH CONFIGURATION koploper_dutch
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, dutch_stem;
ALTER TEXT SEARCH CONFIGURATION koploper_dutch_prefix
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, koploper_dutch_words;
"""

# Title above summary above description above the supplier's name.
CREATE_TRIGGERS = """
CREATE FUNCTION innovations_innovation_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('koploper_dutch', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('koploper_dutch', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('koploper_dutch', coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('koploper_dutch', coalesce(
            (SELECT name FROM innovations_supplier WHERE id = NEW.supplier_id), '')), 'D');
    RETURN NEW;
END
$$;

CREATE TRIGGER innovations_innovation_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, description, supplier_id
    ON innovations_innovation
    FOR EACH ROW EXECUTE FUNCTION innovations_innovation_search_vector();

-- A renamed supplier: recompute its innovations' vectors (the trigger above fires).
CREATE FUNCTION innovations_supplier_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE innovations_innovation SET title = title WHERE supplier_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER innovations_supplier_search_vector
    AFTER UPDATE OF name ON innovations_supplier
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION innovations_supplier_search_vector();

UPDATE innovations_innovation SET title = title;

CREATE INDEX innovation_search_vector_gin ON innovations_innovation
    USING gin (search_vector);
"""

DROP_ALL = """
DROP INDEX IF EXISTS innovation_search_vector_gin;
DROP TRIGGER IF EXISTS innovations_supplier_search_vector ON innovations_supplier;
DROP FUNCTION IF EXISTS innovations_supplier_search_vector();
DROP TRIGGER IF EXISTS innovations_innovation_search_vector ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_innovation_search_vector();
UPDATE innovations_innovation SET search_vector = NULL;
DROP TEXT SEARCH CONFIGURATION IF EXISTS koploper_dutch_prefix;
DROP TEXT SEARCH DICTIONARY IF EXISTS koploper_dutch_words;
DROP TEXT SEARCH CONFIGURATION IF EXISTS koploper_dutch;
"""


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE_CONFIGURATIONS)
        try:
            # A savepoint, so that a refused extension leaves the migration usable.
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            has_unaccent = True
        except DatabaseError:
            # Not allowed to create it here: search works, without folding accents.
            has_unaccent = False
        if has_unaccent:
            cursor.execute(ADD_UNACCENT)
        cursor.execute(CREATE_TRIGGERS)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP_ALL)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0003_domain_tags")]

    operations = [migrations.RunPython(create_search, drop_search)]
