"""The full-text index covers the published innovations only (every search is of the
catalogue), so that it needs no filter on the rows it finds: counting the matches of a
search then reads the index and the visibility map, not each matching row
(docs/performance.md). PostgreSQL only; SQLite searches its own FTS5 table."""

from django.db import migrations

PARTIAL = """
DROP INDEX IF EXISTS innovation_search_vector_gin;
CREATE INDEX innovation_search_vector_gin ON innovations_innovation
    USING gin (search_vector) WHERE status = 'approved' AND revision_of_id IS NULL;
"""
WHOLE = """
DROP INDEX IF EXISTS innovation_search_vector_gin;
CREATE INDEX innovation_search_vector_gin ON innovations_innovation USING gin (search_vector);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PARTIAL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WHOLE)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0013_domain_mask")]

    operations = [migrations.RunPython(forwards, backwards)]
