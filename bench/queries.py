"""Where the time goes: the queries each measured endpoint runs, and a profile of the
slowest ones, for the report (bench/run.py)."""

import contextlib
import logging
import time
import warnings

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from . import server
from .measure import Endpoint


def query_counts(found: list[Endpoint]) -> dict[str, int]:
    """How many queries each endpoint runs (test client, in this process)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    counts = {}
    for endpoint in found:
        if endpoint.path:
            try:
                with _statement_timeout(server.TIMEOUT):
                    client.get(endpoint.path)  # warm, as in query_profile
                    cache.clear()  # a cache miss: the work the page does itself
                    with CaptureQueriesContext(connection) as captured:
                        client.get(endpoint.path)
            except Exception:  # noqa: BLE001, S112 - counted again (and reported) later  # nosec B112
                continue
            counts[endpoint.name] = len(captured.captured_queries)
    return counts


def query_profile(found: list[Endpoint], tenth_counts: dict[str, int] | None = None) -> str:
    """Each endpoint once through the test client: its queries, the slowest first, and
    whether their number is the same with a tenth of the data. A page that failed the HTTP
    check is tried once more, with the statement timeout, to show the query at fault."""
    client = Client(HTTP_ACCEPT_LANGUAGE="nl", raise_request_exception=True)
    lines = [
        "## Query profile",
        "",
        "Each page requested once in the benchmark process (Django's test client) with "
        "the cache emptied first, so this is the cost of a cache miss (the first request "
        "after a data change), every query captured with its time; the slowest three are "
        "shown. The number of queries is compared with the same request on a tenth of the "
        "data.",
        "",
    ]
    for endpoint in found:
        path = endpoint.path or endpoint.failed_path
        if not path:
            lines.append(f"- `{endpoint.name}`: not measured ({endpoint.note})")
            continue
        error = ""
        # As in production (no debug error page running queries of its own); the failure
        # is reported here, not logged with its traceback.
        with _statement_timeout(server.TIMEOUT), override_settings(DEBUG=False), _quiet():
            if endpoint.path:
                client.get(path)  # warm (connections, translations) like the HTTP rounds
            # The HTTP rounds are mostly served from the caches; here the cache is emptied
            # first, so the profile shows what a cache miss (after a data change) costs.
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                try:
                    response = client.get(path)
                    status = f"HTTP {response.status_code}"
                except Exception as exc:  # noqa: BLE001 - reported, the benchmark goes on
                    error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}"
                    status = "failed"
                total = (time.perf_counter() - started) * 1000
        queries = captured.captured_queries
        if error:
            # Up to the query that failed (the slowest); what follows is error handling.
            slowest = max(range(len(queries)), key=lambda i: float(queries[i]["time"]), default=0)
            queries = queries[: slowest + 1]
        db_ms = sum(float(q["time"]) for q in queries) * 1000
        before = (tenth_counts or {}).get(endpoint.name)
        same = "" if before is None else f" ({before} with a tenth of the data)"
        until = " until it failed" if error else ""
        lines.append(
            f"- `{path}` ({status}): {len(queries)} queries{until}{same}, "
            f"{db_ms:.0f} ms in the database of {total:.0f} ms" + (f"; {error}" if error else "")
        )
        for query in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
            sql = _compact(query["sql"])
            lines.append(f"  - {float(query['time']) * 1000:.0f} ms: `{sql}`")
    return "\n".join(lines)


@contextlib.contextmanager
def _quiet():
    """No tracebacks of the failures the profile reports, no warnings of DEBUG off."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


class _statement_timeout:
    """SET statement_timeout for the duration of a block (PostgreSQL)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(self.seconds * 1000)}")

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def _compact(sql: str, limit: int = 500) -> str:
    """The SQL on one line, a long column list before the first FROM shortened to …"""
    sql = " ".join(sql.split())
    head, sep, tail = sql.partition(" FROM ")
    if sep and head.startswith("SELECT ") and len(head) > 80 and "(" not in head[:20]:
        sql = "SELECT … FROM " + tail  # noqa: S608 - shown in the report, never run  # nosec B608
    return sql if len(sql) <= limit else sql[:limit] + " …"
