"""A municipality's verified adoptions with what its page and its scorecard read, in one
index (PostgreSQL: an index-only scan instead of one table page per adoption;
docs/performance.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0008_adopter_order")]

    operations = [
        migrations.AddIndex(
            model_name="adoption",
            index=models.Index(
                fields=["municipality", "verification"],
                include=(
                    "id",
                    "innovation",
                    "stage",
                    "started_on",
                    "stage_since",
                    "adopter_order",
                ),
                name="adoption_municipality_covering",
            ),
        ),
    ]
