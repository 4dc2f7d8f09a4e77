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
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
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
        # The sign-up bursts all come from 127.0.0.1.
        SIGNUP_ADDRESS_LIMIT="1000",
        SIGNUP_MAIL_LIMIT="1000",
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
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a loaded machine: gunicorn's graceful stop waits
            process.kill()
            process.wait()
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


def _signup_post(url: str, email: str, number: str) -> int:
    """The supplier sign-up form as a browser sends it: its page first (the CSRF cookie and
    token), then the post; the answer's status (302: "check your mail")."""
    with urllib.request.urlopen(url, timeout=60) as page:  # noqa: S310 - http://127.0.0.1
        html = page.read().decode()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = {
        "csrfmiddlewaretoken": token,
        "organisation_name": f"Gelijktijdig {number} B.V.",
        "country": "NL",
        "registration_number": number,
        "size": "sme",
        "first_name": "Sam",
        "last_name": "Tegelijk",
        "email": email,
        "password1": "tegelijk-aanmelden-2026",
        "password2": "tegelijk-aanmelden-2026",
        "language": "nl",
    }

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        url,
        data=urllib.parse.urlencode(body).encode(),
        method="POST",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_sqlite_simultaneous_signups_for_one_address_make_one_account(server):
    """Two sign-ups for one address at once (portal.signup): both get the same answer, one
    account is made, and both mails are queued; never a 500 "database is locked"."""
    url, _data, directory = server
    page = url + reverse("signup")
    calls = []
    for n in range(3):
        email = f"tegelijk{n}@example.org"
        calls += [
            lambda e=email, k=f"5555000{n}": _signup_post(page, e, k),
            lambda e=email, k=f"6666000{n}": _signup_post(page, e, k),
        ]

    results = _burst(calls)

    log = (directory / "server.log").read_text()
    assert "database is locked" not in log
    assert results == [302] * 6, log[-3000:]
    with sqlite3.connect(directory / "db.sqlite3") as db:
        accounts = db.execute(
            "SELECT count(*), sum(is_active) FROM portal_user WHERE email LIKE 'tegelijk%'"
        ).fetchone()
        mails = db.execute(
            "SELECT count(*) FROM audit_outgoingmail WHERE task = 'portal.send_signup_mail'"
        ).fetchone()
    assert (accounts, mails) == ((3, 0), (6,))
