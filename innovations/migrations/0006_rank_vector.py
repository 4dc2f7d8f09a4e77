"""Search results ranked on a small vector of the title and summary (`rank_vector`), kept by
the search trigger of 0004 next to the full `search_vector`, which is still what matches.
PostgreSQL only; on other databases the column stays empty (the fallback search ranks by
itself)."""

import django.contrib.postgres.search
from django.db import migrations

TRIGGER = """
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

UPDATE innovations_innovation SET title = title;
"""

PREVIOUS_TRIGGER = """
CREATE OR REPLACE FUNCTION innovations_innovation_search_vector() RETURNS trigger
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
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0005_published_index")]

    operations = [
        migrations.AddField(
            model_name="innovation",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
