"""gunicorn for the benchmark, and a plain Python HTTP client to load it.

The server runs the production settings with DEBUG off (bench/settings.py adds only the
minimal view and a private STATIC_ROOT); the static files are collected first, because the
manifest storage of production needs them."""

import http.client
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL_PATH = "/bench/minimal/"
# A page slower than this is a miss by orders of magnitude: its request is given up and,
# through PostgreSQL's statement_timeout, so are its queries (no runaway backends).
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT") or 30)


def server_environment(database_url: str, static_root: str, redis_url: str = "") -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # The product's settings read these; the benchmark decides them.
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        BENCH_STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PGOPTIONS=f"-c statement_timeout={int(TIMEOUT * 1000)}",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class Server:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, as a context manager."""

    def __init__(
        self,
        *,
        port: int,
        database_url: str,
        redis_url: str = "",
        workers: int = 2,
        extra_env: dict | None = None,
    ):
        self.port = port
        self.workers = workers
        self.redis_url = redis_url
        self.static_root = tempfile.mkdtemp(prefix="koploper-bench-static-")
        self.env = server_environment(database_url, self.static_root, redis_url)
        self.env.update(extra_env or {})
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def __enter__(self) -> "Server":
        subprocess.run(  # our own interpreter and arguments  # nosec B603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self._start()
        return self

    def clear_cache(self) -> None:
        """Empty the cache the workers use: Redis is flushed (the benchmark's own database
        number); the local-memory cache lives in the workers, so they are restarted."""
        if self.redis_url:
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
        else:
            self._stop()
            self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments  # nosec B603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                str(int(2 * TIMEOUT) + 10),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            try:
                status, _, _ = request(self.port, MINIMAL_PATH)
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise RuntimeError(f"{MINIMAL_PATH} answered {status}:\n{self.output()}")
        raise RuntimeError(f"gunicorn did not start within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-4000:]

    def __exit__(self, *exc) -> None:
        self._stop()
        self.log.close()
        shutil.rmtree(self.static_root, ignore_errors=True)

    def _stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(
    port: int, path: str, timeout: float = TIMEOUT + 5, headers: dict | None = None
) -> tuple[int, float, int]:
    """GET `path` on a new connection: (status, seconds, body bytes). Raises TimeoutError
    when no answer comes within `timeout` seconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "nl", **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)
    finally:
        conn.close()


def latencies(
    port: int, paths: list[str], requests_per_path: int, failures: dict[str, str] | None = None
) -> dict[str, list[float]]:
    """Response times per path, the paths interleaved so that all see the same load. A path
    that answers anything but 200 (or nothing in time) is recorded in `failures` and not
    requested again; without `failures` that raises RuntimeError."""
    times: dict[str, list[float]] = {path: [] for path in paths}
    failed = {} if failures is None else failures
    for _ in range(requests_per_path):
        for path in paths:
            if path in failed:
                continue
            try:
                status, seconds, _ = request(port, path)
            except TimeoutError:
                status, seconds = f"no answer within {TIMEOUT:g} s", None
            if status != 200:
                failed[path] = status if isinstance(status, str) else f"HTTP {status}"
                if failures is None:
                    raise RuntimeError(f"GET {path}: {failed[path]}")
                continue
            times[path].append(seconds)
    return times


def throughput(
    port: int, path: str, seconds: float, concurrency: int = 4, headers: dict | None = None
) -> float:
    """Requests per second completed by `concurrency` client threads in `seconds`."""
    deadline = time.perf_counter() + seconds
    done = [0] * concurrency
    errors: list[str] = []

    def loop(slot: int) -> None:
        while time.perf_counter() < deadline:
            try:
                status, _, _ = request(port, path, headers=headers)
            except TimeoutError:
                status = f"no answer within {TIMEOUT:g} s"
            if status != 200:
                errors.append(f"GET {path}: {status}")
                return
            done[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[0])
    return sum(done) / elapsed
