"""The WSGI application of tests/reliability/test_sqlite_locking.py's server: the portal
on the tests' settings (DEBUG asked for explicitly, as `make run` does)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from portal.wsgi import application  # noqa: E402, F401
