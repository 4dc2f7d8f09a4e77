"""Each verified adoption's pilot outcome (`pilot_outcome`), filled here for the existing rows
from their stage and verified stage history; from now on municipalities/adoption_facts.py
keeps it where a verified state takes effect. The covering index carries it (filled before
the index is built again)."""

from django.conf import settings
from django.db import migrations, models

HISTORY = (
    "SELECT 1 FROM municipalities_adoptionstagechange h "
    "WHERE h.adoption_id = municipalities_adoption.id AND h.to_stage IN ({})"
)
FILL = f"""
UPDATE municipalities_adoption SET pilot_outcome = CASE
    WHEN NOT (stage = 'pilot' OR EXISTS ({HISTORY.format("'pilot'")})) THEN ''
    WHEN stage IN ('implemented', 'scaled')
        OR EXISTS ({HISTORY.format("'implemented', 'scaled'")}) THEN 'onward'
    WHEN stage = 'pilot' THEN 'running'
    ELSE 'ended'
END
WHERE verification = 'verified'
"""  # noqa: S608 - fixed SQL  # nosec B608


def fill(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0018_published_ids"),
        ("municipalities", "0010_adoption_covering_verified_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="adoption",
            name="adoption_municipality_covering",
        ),
        migrations.AddField(
            model_name="adoption",
            name="pilot_outcome",
            field=models.CharField(blank=True, default="", editable=False, max_length=8),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
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
                    "verified_at",
                    "pilot_outcome",
                ),
                name="adoption_municipality_covering",
            ),
        ),
    ]
