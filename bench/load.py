"""The load figure: CLIENTS concurrent visitors for SECONDS on a realistic mix, against the
same gunicorn (2 sync workers). The cache is emptied first, so the run starts cold and
warms up as it goes (cache "mixed"): 40% catalogue with a filter, 20% innovation pages,
15% leaderboard, 15% scorecards, 10% API, each drawn from the cold figures' paths.

To change the mix, edit MIX (kind → share); `paths_for` maps a kind to its paths."""

import random
import threading
import time

from . import server
from .report import Figure, percentile

CLIENTS = 32
SECONDS = 60.0
FIGURES = ("load_mix_throughput", "load_mix_p95", "load_mix_failures")
MIX = {
    "catalogue": 0.40,
    "innovation": 0.20,
    "leaderboard": 0.15,
    "scorecard": 0.15,
    "api": 0.10,
}


def paths_for(targets, leaderboard: str) -> dict[str, list[str]]:
    by_name = {target.name: target.paths for target in targets}
    filtered = [p for p in by_name["catalogue_page_cold"] if "?" in p and "q=" not in p]
    return {
        "catalogue": filtered or by_name["catalogue_page_cold"],
        "innovation": by_name["innovation_page_cold"],
        "leaderboard": [leaderboard, leaderboard + "?country=NL", leaderboard + "?country=BE"],
        "scorecard": by_name["scorecard_cold"],
        "api": by_name["catalogue_api_cold"],
    }


def run(gunicorn, paths: dict[str, list[str]], clients: int = CLIENTS, seconds: float = SECONDS):
    """(requests per second, p95 in ms, failures, completed) of `clients` threads."""
    gunicorn.clear_cache()
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    timings: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def visitor(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - a fixed benchmark sample  # nosec B311
        while time.perf_counter() < deadline:
            path = rng.choice(paths[rng.choices(kinds, weights)[0]])
            try:
                status, took, _ = server.request(gunicorn.port, path)
            except (TimeoutError, OSError) as exc:
                status, took = type(exc).__name__, None
            with lock:
                if status == 200:
                    timings.append(took * 1000)
                else:
                    failures.append(f"{path}: {status}")

    started = time.perf_counter()
    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(timings) / elapsed, percentile(timings, 95), failures, len(timings)


def figures(result, clients: int, seconds: float) -> list[Figure]:
    throughput, p95, failures, done = result
    title = f"{clients} clients for {seconds:g} s on the mix"
    note = f"e.g. {failures[0]}" if failures else ""
    return [
        Figure(
            "load_mix_throughput",
            f"{title}: throughput",
            throughput,
            "req/s",
            None,
            min_value=40,
            runs=1,
            samples=done,
            cache="mixed",
        ),
        Figure(
            "load_mix_p95",
            f"{title}: p95",
            p95,
            "ms",
            None,
            max_value=1000,
            runs=1,
            samples=done,
            cache="mixed",
        ),
        Figure(
            "load_mix_failures",
            f"{title}: failed requests",
            float(len(failures)),
            "requests",
            None,
            max_value=0,
            runs=1,
            samples=done + len(failures),
            note=note,
            cache="mixed",
        ),
    ]
