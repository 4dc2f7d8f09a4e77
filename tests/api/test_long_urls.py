"""Over-long addresses: the API answers a 414 problem, never an HTML page; behind gunicorn
too (gunicorn.conf.py lifts gunicorn's own limit, whose answer is HTML)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.problems import problem

ROOT = settings.BASE_DIR


@pytest.mark.django_db
def test_an_over_long_api_address_is_a_414_problem(client):
    response = client.get("/api/v1/innovations", {"q": "a" * settings.API_MAX_URL_LENGTH})

    body = problem(response)
    assert response.status_code == 414
    assert body["title"] == "Address too long"
    assert response["API-Version"]


@pytest.mark.django_db
def test_an_address_just_within_the_limit_is_answered_as_usual(client):
    response = client.get("/api/v1/innovations/" + "a" * 4500)

    assert problem(response)["status"] == 404


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_behind_gunicorn_a_long_address_is_answered_by_the_api_not_gunicorn(tmp_path):
    port = _free_port()
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    # S603: the project's own gunicorn, fixed arguments; it reads ./gunicorn.conf.py.
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(f"{base}/no-such-thing")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.2)

        # Beyond gunicorn's default limit (4094), beyond the API's: a problem each time.
        unknown = _get(f"{base}/innovations?{'x' * 5000}=1")
        too_long = _get(f"{base}/innovations?q={'a' * 20000}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()

    assert unknown[0] == 400 and unknown[1] == "application/problem+json"
    assert too_long[0] == 414 and too_long[1] == "application/problem+json"
    assert json.loads(too_long[2])["status"] == 414
