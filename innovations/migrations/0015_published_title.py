"""The catalogue sorted by title reads an index in that order (it sorted the whole published
catalogue per request), and the province filter is a bit test on `adopter_province_mask`
(innovations/facets.py), so the GIN index on the JSON list of provinces, which only that
filter used, goes (PostgreSQL only; docs/performance.md)."""

from django.db import migrations, models

PROVINCES_GIN = """
CREATE INDEX innovation_adopter_provinces_gin ON innovations_innovation
    USING gin (adopter_provinces jsonb_path_ops) WHERE status = 'approved' AND revision_of_id IS NULL
"""


def drop_provinces_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS innovation_adopter_provinces_gin")


def create_provinces_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PROVINCES_GIN)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0014_search_index_published")]

    operations = [
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                fields=["title", "id"],
                condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
                name="innovation_published_title",
            ),
        ),
        migrations.RunPython(drop_provinces_gin, create_provinces_gin),
    ]
