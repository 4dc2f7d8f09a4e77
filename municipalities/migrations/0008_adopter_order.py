"""Each verified adoption's place among its innovation's verified adopters
(`adopter_order`), filled here for the existing rows; from now on
municipalities/adoption_facts.py keeps it in the verifying transaction."""

from django.db import migrations, models

FILL = """
UPDATE municipalities_adoption SET adopter_order = r.o
FROM (
    SELECT id, RANK() OVER (PARTITION BY innovation_id ORDER BY started_on) AS o
    FROM municipalities_adoption WHERE verification = 'verified'
) r
WHERE municipalities_adoption.id = r.id
"""


def fill(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0007_adoption_facts")]

    operations = [
        migrations.AddField(
            model_name="adoption",
            name="adopter_order",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
