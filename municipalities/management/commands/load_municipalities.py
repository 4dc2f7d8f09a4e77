from django.core.management.base import BaseCommand

from municipalities.reference import municipalities_load_reference


class Command(BaseCommand):
    help = (
        "Load all Dutch and Flemish municipalities and their COROP regions and arrondissements "
        "from the shipped reference data (idempotent)."
    )

    def handle(self, *args, **options):
        result = municipalities_load_reference()
        self.stdout.write(
            f"Municipalities: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; regions: {result.regions_created} created, "
            f"{result.regions_updated} updated."
        )
