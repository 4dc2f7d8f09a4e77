from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_import


class Command(BaseCommand):
    help = (
        "Load an archive written by export_data, all or nothing. Refuses a database that "
        "already holds data unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an archive written by export_data")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete ALL current data (accounts included) and load the archive instead",
        )

    def handle(self, *args, file, replace, **options):
        try:
            counts = backup_import(file, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {sum(counts.values())} rows of {len(counts)} tables from {file}."
            )
        )
