from django.core.management.base import BaseCommand
from django.db import transaction

import innovations.demo
import municipalities.demo
import portal.demo
import procurement.demo
import ranking.demo
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load demo data: accounts per role, innovations, adoptions, challenges (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            # The accounts first: each app's demo looks them up by username.
            portal.demo.seed(self.stdout)
            innovations.demo.seed(self.stdout)
            municipalities.demo.seed(self.stdout)
            procurement.demo.seed(self.stdout)
        # The ranking recompute takes its own lock and transaction.
        ranking.demo.seed(self.stdout)
        self.stdout.write("")
        self.stdout.write("Demo accounts (local use only), password: " + DEMO_PASSWORD)
        for username, role, where in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {role:<9} {where or ''}")
