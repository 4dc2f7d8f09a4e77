#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # Commands that serve nothing run as the embedded default, so that `manage.py check` or
    # `makemessages` need no environment. A server has DEBUG on only when it is asked for
    # (DEBUG=true, as `make run` sets): a debug page shows too much to whoever causes an error.
    if sys.argv[1:2] not in (["runserver"], ["testserver"], ["runserver_plus"]):
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
