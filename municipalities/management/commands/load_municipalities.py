from django.core.management.base import BaseCommand

from municipalities.reference import municipalities_load_reference


class Command(BaseCommand):
    help = "Load all Dutch and Flemish municipalities from the shipped reference data (idempotent)."

    def handle(self, *args, **options):
        result = municipalities_load_reference()
        self.stdout.write(
            f"Municipalities: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
