import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from ranking.models import RunTrigger
from ranking.services import RankingBusy, ranking_recompute


class Command(BaseCommand):
    help = "Compute and publish a new Koplopergemeenten leaderboard (the nightly job, now)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reference-date",
            type=datetime.date.fromisoformat,
            help="Measure recency to this date (YYYY-MM-DD) instead of today; adoptions "
            "that started later are left out. Uses today's stages of adoptions.",
        )

    def handle(self, *args, reference_date=None, **options):
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.2f}s] {message}")

        try:
            run = ranking_recompute(
                trigger=RunTrigger.COMMAND, reference_date=reference_date, progress=progress
            )
        except RankingBusy as exc:
            raise CommandError(f"{exc} Try again when it has finished.") from None
        except Exception as exc:
            raise CommandError(f"The run failed and was recorded as failed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Published run #{run.pk}: {run.entry_count} municipalities ranked from "
                f"{run.contribution_count} adoptions."
            )
        )
