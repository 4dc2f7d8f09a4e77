"""The supplier's size on each innovation (`supplier_size`, kept by
services.innovation_supplier_size_sync), filled from the suppliers, and in the covering index
of the catalogue's facets instead of the supplier: the size facet and filter read the index
without joining the suppliers (a third of the facet pass at national scale,
docs/performance.md)."""

import importlib

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# The PostgreSQL-only index operations of 0007 (SQLite cannot put NULLS LAST in an index).
_0007 = importlib.import_module("innovations.migrations.0007_adoption_facts")
AddIndexOnPostgres, RemoveIndexOnPostgres = _0007.AddIndexOnPostgres, _0007.RemoveIndexOnPostgres

# A plain ALTER TABLE on both databases, as in 0013 (SQLite would otherwise rebuild the
# table, which its search triggers do not survive); the database default '' also serves bulk
# loads that do not name the column.
ADD_COLUMN = (
    "ALTER TABLE innovations_innovation ADD COLUMN supplier_size varchar(8) NOT NULL DEFAULT ''"
)


def add_column(apps, schema_editor):
    schema_editor.execute(ADD_COLUMN)


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE innovations_innovation DROP COLUMN supplier_size")


def fill(apps, schema_editor):
    Innovation = apps.get_model("innovations", "Innovation")
    Supplier = apps.get_model("innovations", "Supplier")
    size = Supplier.objects.filter(pk=OuterRef("supplier_id")).values("size")[:1]
    Innovation.objects.update(supplier_size=Subquery(size))


def covering_index(*, size: bool) -> models.Index:
    return models.Index(
        models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
        models.OrderBy(models.F("id"), descending=True),
        condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
        include=(
            "route",
            "maturity",
            "supplier_size" if size else "supplier",
            "adoption_count",
            "adopter_province_mask",
            "reconfirmation",
            "domain_mask",
        ),
        name="innovation_published_facets",
    )


class Migration(migrations.Migration):
    dependencies = [("innovations", "0016_search_term_documents")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="innovation",
                    name="supplier_size",
                    field=models.CharField(blank=True, default="", editable=False, max_length=8),
                )
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        RemoveIndexOnPostgres(model_name="innovation", name="innovation_published_facets"),
        AddIndexOnPostgres(model_name="innovation", index=covering_index(size=True)),
    ]
