"""Django's makemessages, reading the project's SVG templates too (the rank chart and the
badge speak to screen readers) and skipping what is not the project's own code, so that
`manage.py makemessages -l nl -l en` is the whole command."""

from django.core.management.commands import makemessages

EXTENSIONS = ["html", "txt", "py", "svg"]
IGNORED = [".venv", "node_modules", "staticfiles", "build", "test-output", "bench", "tests"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if options["domain"] == "django" and not options["extensions"]:
            options["extensions"] = EXTENSIONS
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options.setdefault("no_obsolete", True)
        return super().handle(*args, **options)
