"""Test configuration: test-only settings, real-service markers, shared fixtures.

Markers: `postgres` needs DATABASE_URL on PostgreSQL, `redis` needs REDIS_URL (and starts a
real Celery worker). Outside CI they are skipped when the service is not configured; with
KOPLOPER_REQUIRE_SERVICES=1 (CI's second pass) a missing service fails instead."""

import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from portal.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("KOPLOPER_REQUIRE_SERVICES") == "1"


# Left out by `make test-fast`, the edit loop (`make test` runs everything): the browser
# journeys, the schema fuzzing, real servers, worker processes and subprocesses, the demo
# replay and the small benchmark. By path, so that a new test in these files is slow too.
SLOW = (
    "tests/e2e/",
    "tests/api/test_fuzz.py",
    "tests/api/test_generated_client.py",
    "tests/api/test_long_urls.py",
    "tests/api/test_ruleset.py",
    "tests/alerts/test_worker.py",
    "tests/reliability/",
    "tests/bench/",
    "tests/demo/",
    "tests/security/test_bandit.py",
    "tests/security/test_settings.py",
    "tests/portal/test_settings.py",
    "tests/portal/test_scale_out.py",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(SLOW) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not django_settings.IS_POSTGRES:
        if REQUIRE_SERVICES:
            pytest.fail("this test needs PostgreSQL, but DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not django_settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("this test needs Redis, but REDIS_URL is not set")
        pytest.skip("needs Redis (set REDIS_URL)")


@pytest.fixture(scope="session", autouse=True)
def _english_source_strings():
    """Tests compare against the English source strings: the project's own catalogues
    are switched off, except in tests marked `translated` (see _project_translations)."""
    from django.utils.translation import trans_real

    locale_paths = django_settings.LOCALE_PATHS
    django_settings.LOCALE_PATHS = []
    trans_real._translations = {}
    trans_real._default = None
    yield
    django_settings.LOCALE_PATHS = locale_paths


@pytest.fixture(autouse=True)
def _project_translations(request, settings):
    if request.node.get_closest_marker("translated"):
        settings.LOCALE_PATHS = [django_settings.BASE_DIR / "locale"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _migrations_rows(request):
    """A transactional test starts from the migrated database, whatever ran before it: the
    flush after an earlier transactional test emptied the data migration's domain tags.
    (One process runs all transactional tests last; xdist workers each run a share.)"""
    if _is_transactional(request):
        from tests.innovations.helpers import ensure_domain_tags

        request.getfixturevalue("transactional_db")
        ensure_domain_tags()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test asks for a real worker (celery_worker_real)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker, in a thread, consuming from the Redis broker of REDIS_URL.

    Use with @pytest.mark.redis and @pytest.mark.django_db(transaction=True): the worker
    uses its own database connection, so it sees only committed data."""
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING") as w:
        yield w
    celery_app.conf.task_always_eager = True


@pytest.fixture
def reference_municipalities(db):
    """All 627 Dutch and Flemish municipalities from the shipped reference data."""
    from municipalities.models import Municipality
    from municipalities.reference import municipalities_load_reference

    municipalities_load_reference()
    return Municipality.objects.all()


@pytest.fixture(autouse=True)
def _strict_api_answers(request, monkeypatch):
    """Every answer of the test client under /api/v1/ is validated strictly against the
    committed OpenAPI document (tests/strict_api.py); a test that sends what no client
    should (a test of the validation itself) is marked `unvalidated`."""
    if request.node.get_closest_marker("unvalidated"):
        yield
        return
    from django.test import Client

    from tests import strict_api

    original = Client.request

    def validated(self, **environ):
        response = original(self, **environ)
        found = strict_api.problems(environ["REQUEST_METHOD"], environ["PATH_INFO"], response)
        assert not found, "The answer is not as the OpenAPI document says:\n" + "\n".join(found)
        return response

    monkeypatch.setattr(Client, "request", validated)
    yield
