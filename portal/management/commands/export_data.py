from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_export


class Command(BaseCommand):
    help = "Write every row of the portal's data to a gzipped JSON archive (see portal.backup)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. koploper-2026-12-03.json.gz")

    def handle(self, *args, file, **options):
        try:
            with open(file, "wb") as out:
                manifest = backup_export(out)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        total = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {total} rows of {len(manifest['counts'])} tables to {file}."
            )
        )
