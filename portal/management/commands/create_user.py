from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.countries import Country
from portal.roles import ROLES
from portal.services import user_create_with_role


class Command(BaseCommand):
    help = (
        "Create a user with one role in one step: supplier (member of --organisation, created "
        "if missing), buyer (approved buyer of --municipality CODE), reviewer or admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--organisation", default="", help="supplier: the organisation name")
        parser.add_argument(
            "--municipality", default="", help="buyer: official code, e.g. GM0344 or 11002"
        )
        parser.add_argument(
            "--country",
            default=Country.NL,
            choices=Country.values,
            help="supplier: country of a new organisation (default NL)",
        )
        parser.add_argument(
            "--registration-number",
            default="",
            help="supplier: KvK or enterprise number of a new organisation",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options):
        # Messages in the source language, whatever the portal's default language is.
        with translation.override("en"):
            self._create(options)

    def _create(self, options):
        try:
            user = user_create_with_role(
                username=options["username"],
                email=options["email"],
                password=options["password"],
                role=options["role"],
                organisation=options["organisation"],
                municipality_code=options["municipality"],
                country=options["country"],
                registration_number=options["registration_number"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Created {options['role']} {user.get_username()} <{user.email}>.")
