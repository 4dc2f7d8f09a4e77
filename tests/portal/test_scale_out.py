"""Scaling out (README, docker-compose.yml): many web and worker processes over one
PostgreSQL, each with a persistent connection, a pool of its own or behind PgBouncer. The
settings are read in fresh interpreters, as at start-up; on PostgreSQL a process with a
pool really borrows its connections from it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DATABASE_POOL",
    "DATABASE_POOL_MAX",
    "DATABASE_PGBOUNCER",
    "DATABASE_CONN_MAX_AGE",
}
SETTINGS = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "server_side_cursors_off": db["DISABLE_SERVER_SIDE_CURSORS"],
    "pool": db.get("OPTIONS", {}).get("pool"),
}))
"""
POOLED_QUERIES = """
import json, threading, django
django.setup()
from django.db import connection, connections
from municipalities.models import Municipality

counts = []
def work():
    for _ in range(5):
        counts.append(Municipality.objects.count())
        connections.close_all()  # hands the connection back to the pool
threads = [threading.Thread(target=work) for _ in range(3)]
for thread in threads: thread.start()
for thread in threads: thread.join()
pool = connection.pool
print(json.dumps({"pool": type(pool).__name__, "max_size": pool.max_size,
                  "opened": pool.get_stats().get("connections_num", 0), "counts": counts}))
"""


def run(script: str, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


POSTGRES = "postgres://koploper@db.example:5432/koploper"


def test_a_web_process_keeps_its_connection_by_default():
    settings = run(SETTINGS, DATABASE_URL=POSTGRES)
    assert settings == {
        "conn_max_age": 60,
        "health_checks": True,
        "server_side_cursors_off": False,
        "pool": None,
    }
    assert run(SETTINGS, DATABASE_URL=POSTGRES, DATABASE_CONN_MAX_AGE="0")["conn_max_age"] == 0


def test_behind_pgbouncer_no_server_side_cursors():
    assert run(SETTINGS, DATABASE_URL=POSTGRES, DATABASE_PGBOUNCER="true")[
        "server_side_cursors_off"
    ]


def test_a_pool_per_process_replaces_persistent_connections():
    settings = run(SETTINGS, DATABASE_URL=POSTGRES, DATABASE_POOL="true", DATABASE_POOL_MAX="8")
    assert settings["conn_max_age"] == 0  # Django refuses a pool with persistent connections
    assert settings["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}


@pytest.mark.postgres
def test_threads_of_one_process_share_its_pool(db):
    # Another process on the test database: it sees the migrated tables (not this test's
    # uncommitted rows, which it does not need).
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    result = run(POOLED_QUERIES, DATABASE_URL=url, DATABASE_POOL="true", DATABASE_POOL_MAX="2")
    assert result["pool"] == "ConnectionPool"
    assert result["max_size"] == 2
    # 15 queries from 3 threads over at most 2 connections.
    assert len(result["counts"]) == 15
    assert 1 <= result["opened"] <= 2
