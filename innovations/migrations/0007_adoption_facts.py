"""The adoption facts that municipalities keeps on each innovation (adoption_count,
adopter_provinces), a covering index for the catalogue's facets, an index for "most
adopted", and (PostgreSQL) a GIN index for the "in use in province" filter. The facts are
filled by municipalities' migration 0007_adoption_facts (it reads the adoptions)."""

from django.conf import settings
from django.db import migrations, models

GIN = """
CREATE INDEX innovation_adopter_provinces_gin ON innovations_innovation
    USING gin (adopter_provinces jsonb_path_ops)
    WHERE status = 'approved' AND revision_of_id IS NULL
"""


class OnPostgres:
    """Index operations for PostgreSQL only, as in 0005 (SQLite cannot put NULLS LAST in an
    index, and the embedded database is small enough without them)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgres(OnPostgres, migrations.AddIndex):
    pass


class RemoveIndexOnPostgres(OnPostgres, migrations.RemoveIndex):
    pass


def add_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS innovation_adopter_provinces_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0006_rank_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        RemoveIndexOnPostgres(
            model_name="innovation",
            name="innovation_published",
        ),
        migrations.AddField(
            model_name="innovation",
            name="adopter_provinces",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                verbose_name="provinces of the verified adopters",
            ),
        ),
        migrations.AddField(
            model_name="innovation",
            name="adopter_province_mask",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="innovation",
            name="adoption_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="verified adoptions"
            ),
        ),
        AddIndexOnPostgres(
            model_name="innovation",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
                include=("route", "maturity", "supplier", "adoption_count", "adopter_province_mask"),
                name="innovation_published_facets",
            ),
        ),
        AddIndexOnPostgres(
            model_name="innovation",
            index=models.Index(
                models.OrderBy(models.F("adoption_count"), descending=True),
                models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
                name="innovation_most_adopted",
            ),
        ),
        migrations.RunPython(add_gin, drop_gin),
    ]
