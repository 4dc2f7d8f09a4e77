from django.core.management.base import BaseCommand
from django.db import transaction

from municipalities.adoption_facts import adoption_facts_refresh, pilot_outcome_refresh


class Command(BaseCommand):
    help = (
        "Recompute every innovation's adoption count and adopters' provinces from the verified "
        "adoptions, and every adoption's adopter order and pilot outcome (idempotent; after a "
        "bulk import that bypassed the services)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = adoption_facts_refresh()
            pilot_outcome_refresh(adoption_ids=None)
        self.stdout.write(f"Adoption facts: {changed} innovations changed.")
