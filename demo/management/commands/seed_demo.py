import sys
import time

from django.core.management.base import BaseCommand

from demo import runner
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from municipalities.models import Municipality
from municipalities.reference import municipalities_load_reference


class Command(BaseCommand):
    help = (
        "Load the demo: more than a year of suppliers, reviews, adoptions, challenges and "
        "monthly leaderboards, replayed through the services (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=runner.SIZES,
            default="full",
            help="'small' makes a few of everything (for tests).",
        )

    def handle(self, *args, size, verbosity, **options):
        started = time.monotonic()
        if not Municipality.objects.exists():
            municipalities_load_reference()
        demo = runner.plan(size=size)
        progress = _Progress(self.stdout, enabled=verbosity > 0)
        runner.run(demo, progress=progress)
        progress.finish(time.monotonic() - started)
        if verbosity > 0:
            self.stdout.write("")
            self.stdout.write("Demo accounts (local use only), password: " + DEMO_PASSWORD)
            for username, role, where, _first, _last in DEMO_ACCOUNTS:
                self.stdout.write(f"  {username:<12} {role:<9} {where or ''}")


class _Progress:
    """One line that counts up while the demo replays (a line per month when the output
    is not a terminal)."""

    def __init__(self, stdout, *, enabled: bool):
        self.stdout = stdout
        self.enabled = enabled
        self.tty = enabled and getattr(sys.stdout, "isatty", lambda: False)()
        self.month = None

    def __call__(self, event, index: int, total: int) -> None:
        if not self.enabled:
            return
        month = event.at.strftime("%Y-%m")
        if self.tty:
            if month != self.month or index == total or index % 50 == 0:
                self.stdout.write(
                    f"\rDemo: replaying {month}, {index * 100 // total:3d}% of {total} events",
                    ending="",
                )
                self.stdout.flush()
        elif month != self.month and month[-2:] in ("01", "04", "07", "10"):
            self.stdout.write(f"Demo: replaying {month}, {index * 100 // total}% of {total} events")
        self.month = month

    def finish(self, seconds: float) -> None:
        if self.enabled:
            end = "\n" if self.tty else ""
            self.stdout.write(f"{end}Demo: done in {seconds:.0f} s.")
