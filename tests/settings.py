"""The tests' settings: the embedded default (DEBUG=true: plain http on 127.0.0.1, the
development secret key), read before portal.settings as `make run` does. Test-only
tweaks stay in tests/conftest.py.

Under pytest-xdist (`make test` runs the suite in parallel processes, gw0, gw1, ...) each
worker gets a Redis database of its own: REDIS_URL's number plus the worker's index
(redis://…/7 → gw0 on /7, gw1 on /8; modulo Redis' 16 databases). The cache, the Celery
broker, the real workers and the insight counters of one process then never see another's
keys or tasks, nor flush them. PostgreSQL needs nothing here: pytest-django gives each
worker its own test database (test_<name>_gw0, ...). The worker's URL is written back to
the environment, so that subprocesses handed it (real Celery workers) use the same one."""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # Redis' default `databases`


def redis_url_for_worker(url: str, worker: str) -> str:
    """REDIS_URL with its database number shifted by the xdist worker's index ("gw3": 3)."""
    index = int(worker.removeprefix("gw"))
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + index) % REDIS_DATABASES}"))


os.environ.setdefault("DEBUG", "true")

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
# KOPLOPER_REDIS_WORKER: shifted once, not again in a subprocess that inherits both.
if _worker and os.environ.get("REDIS_URL") and os.environ.get("KOPLOPER_REDIS_WORKER") != _worker:
    os.environ["REDIS_URL"] = redis_url_for_worker(os.environ["REDIS_URL"], _worker)
    os.environ["KOPLOPER_REDIS_WORKER"] = _worker

from portal.settings import *  # noqa: E402, F403

# A fast hasher for every user the tests create, also those of module- and session-scoped
# fixtures (set up before tests/conftest.py's per-test settings apply) and of subprocesses
# that read these settings: the default PBKDF2 costs about half a second per password.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
