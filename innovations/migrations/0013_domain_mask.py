"""The innovation's domains as bits (`domain_mask`), filled from the domain links, and the
covering index of the catalogue's facets with the mask included, so that the domain filter
and facet need no join with the link table (docs/performance.md)."""

import importlib
from collections import defaultdict

from django.db import migrations, models

from innovations.enums import domain_mask

# The PostgreSQL-only index operations of 0007 (SQLite cannot put NULLS LAST in an index).
_0007 = importlib.import_module("innovations.migrations.0007_adoption_facts")
AddIndexOnPostgres, RemoveIndexOnPostgres = _0007.AddIndexOnPostgres, _0007.RemoveIndexOnPostgres
# Added with a plain ALTER TABLE on both databases: SQLite would otherwise rebuild the table,
# which neither its search triggers (0008) nor the PostgreSQL-only index definitions in the
# model's state survive. The database default 0 also serves bulk loads that do not name the
# column (the benchmark's COPY).
ADD_COLUMN = (
    "ALTER TABLE innovations_innovation ADD COLUMN domain_mask integer NOT NULL DEFAULT 0 "
    "CHECK (domain_mask >= 0)"
)


def add_column(apps, schema_editor):
    schema_editor.execute(ADD_COLUMN)


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE innovations_innovation DROP COLUMN domain_mask")


def fill(apps, schema_editor):
    Innovation = apps.get_model("innovations", "Innovation")
    codes = defaultdict(set)
    for innovation_id, code in Innovation.domains.through.objects.values_list(
        "innovation_id", "domaintag_id"
    ):
        codes[innovation_id].add(code)
    rows = [Innovation(pk=pk, domain_mask=domain_mask(found)) for pk, found in codes.items()]
    Innovation.objects.bulk_update(rows, ["domain_mask"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0012_supplier_identity_changes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="innovation",
                    name="domain_mask",
                    field=models.PositiveIntegerField(default=0, editable=False),
                )
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        RemoveIndexOnPostgres(model_name="innovation", name="innovation_published_facets"),
        AddIndexOnPostgres(
            model_name="innovation",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
                include=(
                    "route",
                    "maturity",
                    "supplier",
                    "adoption_count",
                    "adopter_province_mask",
                    "reconfirmation",
                    "domain_mask",
                ),
                name="innovation_published_facets",
            ),
        ),
    ]
