from django.db import migrations

DOMAINS = [
    "energy",
    "care",
    "mobility",
    "circular-economy",
    "housing",
    "safety",
    "digital-services",
    "climate-adaptation",
    "education",
    "industry-4-0",
]


def create_domains(apps, schema_editor):
    DomainTag = apps.get_model("innovations", "DomainTag")
    for code in DOMAINS:
        DomainTag.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("innovations", "0002_initial")]

    operations = [migrations.RunPython(create_domains, migrations.RunPython.noop)]
