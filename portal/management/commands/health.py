"""`manage.py health`: what /readyz checks, with the details it keeps from callers, and
the outbox's mails that gave up. Exit status 0 when all is well, 1 when a service is not
ready, 2 when the services are but mails gave up (retry or delete them in the admin)."""

from django.core.management.base import BaseCommand

from audit.models import OutgoingMail
from portal.health import readiness


class Command(BaseCommand):
    help = "Check the database, the cache and the broker, and report mails that gave up."

    def handle(self, *args, **options):
        results = readiness()
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        due = OutgoingMail.objects.filter(sent_at__isnull=True, given_up_at__isnull=True)
        given_up = OutgoingMail.objects.given_up().order_by("given_up_at")
        self.stdout.write(f"mails due: {due.count()}")
        self.stdout.write(f"mails given up: {given_up.count()}")
        for mail in given_up[:20]:
            self.stdout.write(
                f"  #{mail.pk} {mail.task} {mail.kwargs} gave up {mail.given_up_at:%Y-%m-%d %H:%M}"
                f" after {mail.attempts} attempts: {mail.last_error}"
            )
        if any(result != "ok" for result in results.values()):
            raise SystemExit(1)
        if given_up.exists():
            raise SystemExit(2)
