"""The tests' settings: the embedded default (DEBUG=true: plain http on 127.0.0.1, the
development secret key), read before portal.settings as `make run` does. Test-only
tweaks stay in tests/conftest.py."""

import os

os.environ.setdefault("DEBUG", "true")

from portal.settings import *  # noqa: E402, F403
