"""The catalogue's default order over the published innovations as a partial index
(PostgreSQL only: SQLite cannot put NULLS LAST in an index, and the embedded database is
small enough without it)."""

from django.conf import settings
from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0004_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="innovation",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
                name="innovation_published",
            ),
        ),
    ]
