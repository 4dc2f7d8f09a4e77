from django.core.management.base import BaseCommand

from procurement.services import routes_load_reference


class Command(BaseCommand):
    help = (
        "Load the shipped procurement routes and thresholds (procurement/data/routes.json). "
        "Existing rows are kept as administrators edited them, unless --update."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update", action="store_true", help="overwrite existing rows with the shipped text"
        )

    def handle(self, *args, **options):
        counts = routes_load_reference(update=options["update"])
        self.stdout.write(
            "Procurement routes: {routes_created} created, {routes_updated} updated; "
            "thresholds: {thresholds_created} created.".format(**counts)
        )
