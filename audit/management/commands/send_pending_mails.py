import datetime

from django.core.management.base import BaseCommand

from audit.outbox import send_pending_mails


class Command(BaseCommand):
    help = "Send the mails still due: their task was never enqueued (broker down) or failed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=120,
            metavar="SECONDS",
            help="only mails due at least this long (default 120: younger ones may still "
            "be on their way through the broker)",
        )

    def handle(self, *args, older_than, **options):
        done, failed = send_pending_mails(older_than=datetime.timedelta(seconds=older_than))
        self.stdout.write(f"{done} pending mails sent, {failed} failed.")
