from django.core.management.base import BaseCommand

from portal.signup_cleanup import expired_signups_remove


class Command(BaseCommand):
    help = (
        "Remove the sign-ups whose confirmation link expired unused (SIGNUP_CONFIRM_DAYS and "
        "SIGNUP_GRACE_DAYS), with the organisation or the request to buy that only they made."
    )

    def handle(self, *args, **options):
        removed, kept = expired_signups_remove()
        self.stdout.write(
            f"{removed} unconfirmed sign-ups removed, {kept} kept (in use: see the security log)."
        )
