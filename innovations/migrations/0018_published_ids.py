"""Whether an innovation is published, from an index alone (partial on the published): a
municipality's page and scorecard check it for each of thousands of adoptions
(docs/performance.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("innovations", "0017_supplier_size")]

    operations = [
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                condition=models.Q(("revision_of__isnull", True), ("status", "approved")),
                fields=["id"],
                name="innovation_published_ids",
            ),
        ),
    ]
