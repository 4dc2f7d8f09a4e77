"""Simultaneous writes on the embedded default, SQLite: a live server (gunicorn, two
processes of eight threads, on a SQLite file as `make run` uses) gets bursts of requests
that contend for the same rows, from real threads. Each conflict is a 409 as on
PostgreSQL, never a 500 "database is locked", and the final state is right.

Why it holds (portal/settings.py): every transaction starts with BEGIN IMMEDIATE, so it
takes SQLite's write lock before it reads, and a second writer waits (busy timeout)
instead of failing when it tries to upgrade its read lock; WAL lets readers go on
meanwhile. Runs in both CI passes: the server always uses its own SQLite file."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PAIRS = 6  # objects contended for in each scenario, two requests each


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        SQLITE_PATH=str(database),
        DJANGO_SETTINGS_MODULE="tests.settings",
        DEBUG="true",  # the embedded default, asked for explicitly
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sqlite-locking")
    env = _environment(directory / "db.sqlite3")
    python = sys.executable
    subprocess.run(  # noqa: S603 - the venv's Python with fixed arguments
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = subprocess.run(  # noqa: S603
        [python, "-m", "tests.reliability.sqlite_seed", str(PAIRS)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = (directory / "server.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            python,
            "-m",
            "gunicorn",
            "tests.reliability.sqlite_wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((directory / "server.log").read_text()) from None
                time.sleep(0.2)
        yield url, data, directory
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _post(url: str, token: str, body: dict | None = None) -> int:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        url,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _burst(calls: list) -> list[int]:
    """Every call in its own thread, released at once."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            results[index] = repr(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


def _pairs(results: list[int]) -> list[list[int]]:
    return [sorted(results[i : i + 2]) for i in range(0, len(results), 2)]


def test_sqlite_simultaneous_writes_are_409_never_locked(server):
    url, data, directory = server
    first, second = data["reviewer_tokens"]
    scores = {"novelty": 4, "evidence": 3, "public_value": 5, "fit": 4}
    calls = []
    for pk in data["in_review"]:
        decision = url + reverse("api:review-innovation-decision", args=[pk])
        calls += [
            lambda u=decision: _post(u, first, {"decision": "approve", "scores": scores}),
            lambda u=decision: _post(
                u, second, {"decision": "request_changes", "scores": scores, "feedback": "Meer."}
            ),
        ]
    for pk in data["submitted"]:
        claim = url + reverse("api:review-innovation-claim", args=[pk])
        calls += [lambda u=claim: _post(u, first), lambda u=claim: _post(u, second)]
    for pk in data["claimed_adoptions"]:
        verify = url + reverse("api:adoption-verify", args=[pk])
        calls += [
            lambda u=verify: _post(u, first, {"decision": "verify"}),
            lambda u=verify: _post(u, second, {"decision": "reject", "note": "Geen contract."}),
        ]

    results = _burst(calls)

    log = (directory / "server.log").read_text()
    assert "database is locked" not in log
    assert _pairs(results) == [[200, 409]] * (3 * PAIRS), log[-3000:]
