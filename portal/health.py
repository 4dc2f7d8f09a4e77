"""Health endpoints for load balancers and orchestrators (docker-compose.yml uses them).

- `/healthz`, liveness: this process answers requests. Touches nothing else.
- `/readyz`, readiness: the database, the cache and the Celery broker answer, each within
  CHECK_TIMEOUT seconds (checked side by side, so the whole answer takes at most that).
  200 when all do, 503 otherwise.

Both say only "ok" or "unavailable": which service failed, and why, is for operators, who
run `manage.py health` (it prints every check, and the outbox's mails that gave up). They
are answered by HealthMiddleware, first in the chain: a probe comes over plain http, under
an internal host name, without cookies, so the host check, the HTTPS redirect and the
session must not stand in its way."""

import logging
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("koploper.health")

CHECK_TIMEOUT = 2.0
LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone() != (1,):
                raise RuntimeError("SELECT 1 gave no 1")
    finally:
        # Each check runs in a thread of its own; its connection must not outlive it.
        connection.close()


def check_cache() -> None:
    # The cache fails soft (portal.cache): a Redis that is down reads as a miss.
    key = f"health:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker configured: tasks run in-process
    from portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def readiness(timeout: float = CHECK_TIMEOUT) -> dict[str, str]:
    """Every check, side by side: name → "ok", or what went wrong ("timeout" after
    `timeout` seconds). A check that hangs is left to finish in its thread."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: pool.submit(check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=timeout)
    pool.shutdown(wait=False)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = "timeout"
        elif future.exception() is not None:
            error = future.exception()
            results[name] = f"{type(error).__name__}: {error}"
        else:
            results[name] = "ok"
    return results


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(f"{text}\n", content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def liveness_view(request: HttpRequest) -> HttpResponse:
    return _plain("ok", 200)


def readiness_view(request: HttpRequest) -> HttpResponse:
    results = readiness()
    failed = {name: result for name, result in results.items() if result != "ok"}
    if failed:
        logger.error("not ready: %s", failed)
        return _plain("unavailable", 503)
    return _plain("ok", 200)


class HealthMiddleware:
    """Answers /healthz and /readyz (GET and HEAD) before any other middleware."""

    VIEWS = {LIVENESS_PATH: liveness_view, READINESS_PATH: readiness_view}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.VIEWS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
