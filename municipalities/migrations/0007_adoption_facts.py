"""Fill the adoption facts that municipalities keeps on each innovation (innovations 0007):
the number of verified adoptions and the ISO 3166-2 codes of the verified adopters'
provinces. From now on the services keep them (municipalities/adoption_facts.py); this is
the one-off backfill for existing rows. `manage.py adoption_facts_refresh` does the same
at any time (after a bulk import that bypassed the services)."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count

# A copy, not an import (a migration must not change with the code): innovations.enums
# Province in its order, bit n for the n-th.
PROVINCES = [
    "NL-DR", "NL-FL", "NL-FR", "NL-GE", "NL-GR", "NL-LI", "NL-NB", "NL-NH", "NL-OV", "NL-UT",
    "NL-ZE", "NL-ZH", "BE-VAN", "BE-VBR", "BE-VLI", "BE-VOV", "BE-VWV",
]  # fmt: skip


def backfill(apps, schema_editor):
    Adoption = apps.get_model("municipalities", "Adoption")
    Innovation = apps.get_model("innovations", "Innovation")
    verified = Adoption.objects.filter(verification="verified").order_by()
    counts = dict(
        verified.values("innovation_id").annotate(n=Count("pk")).values_list("innovation_id", "n")
    )
    provinces = defaultdict(set)
    pairs = verified.values_list("innovation_id", "municipality__province_code").distinct()
    for innovation_id, code in pairs.iterator():
        if code:
            provinces[innovation_id].add(code)
    changed = [
        Innovation(
            pk=pk,
            adoption_count=n,
            adopter_provinces=sorted(provinces[pk]),
            adopter_province_mask=sum(
                1 << PROVINCES.index(code) for code in provinces[pk] if code in PROVINCES
            ),
        )
        for pk, n in counts.items()
    ]
    Innovation.objects.bulk_update(
        changed,
        ["adoption_count", "adopter_provinces", "adopter_province_mask"],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0006_adoption_changes"),
        ("innovations", "0007_adoption_facts"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
