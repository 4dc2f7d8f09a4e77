"""The measurements. Each returns Figures: the median over rounds of a value and of its
floor, both measured in the same round."""

import datetime
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from . import server
from .generate import FILTER_DOMAIN, REFERENCE_DATE, SEARCH_TERM
from .report import Figure, median, percentile

MIB = 1024  # ru_maxrss is in KiB


# --- 1 and 5: the ranking recompute ---------------------------------------------------------


RECOMPUTE_FIGURES = (
    "ranking_recompute",
    "ranking_recompute_peak_memory",
    "ranking_recompute_memory_growth",
)


@dataclass
class WorkerRound:
    floor_seconds: float
    recompute_seconds: float
    baseline_mib: float
    peak_mib: float
    check: dict


def worker_round(database_url: str, *, recompute_first: bool, redis_url: str = "") -> WorkerRound:
    """One recompute and one floor statement in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="portal.settings",
        PYTHONPATH=str(server.ROOT),
        LOG_LEVEL="WARNING",
        # As long as the ranking's own lease: a runaway statement must not outlive the run.
        PGOPTIONS="-c statement_timeout=20min",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    args = [sys.executable, "-m", "bench.worker", "--reference-date", REFERENCE_DATE.isoformat()]
    if recompute_first:
        args.append("--recompute-first")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module  # nosec B603
        args, cwd=server.ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.worker failed:\n{done.stderr[-4000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return WorkerRound(
        floor_seconds=data["floor_seconds"],
        recompute_seconds=data["recompute_seconds"],
        baseline_mib=data["baseline_kib"] / MIB,
        peak_mib=data["peak_kib"] / MIB,
        check=data["check"],
    )


def worker_rounds(database_url: str, rounds: int, redis_url: str = "", log=print):
    """`rounds` worker rounds, alternating which of the two goes first. A failing worker
    (the ranking code missing or broken) ends the rounds: ([], the error)."""
    results = []
    for i in range(rounds):
        try:
            result = worker_round(database_url, recompute_first=bool(i % 2), redis_url=redis_url)
        except RuntimeError as exc:
            log(f"  round {i + 1}/{rounds} failed: {exc}")
            return [], str(exc).strip().splitlines()[-1][:300]
        log(
            f"  round {i + 1}/{rounds}: recompute {result.recompute_seconds:.2f} s, "
            f"floor {result.floor_seconds:.3f} s, peak {result.peak_mib:.1f} MiB"
        )
        results.append(result)
    return results, ""


def recompute_figures(
    full: list[WorkerRound],
    tenth: list[WorkerRound],
    error: str = "",
    growth_measured: bool = True,
) -> list[Figure]:
    n = len(full)
    peak = median([r.peak_mib for r in full])
    figures = [
        Figure(
            name="ranking_recompute",
            title="Ranking recompute, publish included",
            value=median([r.recompute_seconds for r in full]),
            unit="s",
            floor=median([r.floor_seconds for r in full]),
            floor_title="formula v1 as one SQL statement",
            # 1.3 for the board, plus at most 2 for the sensitivity analysis that every run
            # makes (its own figure, bench/sensitivity.py).
            max_ratio=3.3,
            runs=n,
            samples=n,
        ),
        Figure(
            name="ranking_recompute_peak_memory",
            title="Recompute worker peak memory (RSS)",
            value=peak,
            unit="MiB",
            floor=median([r.baseline_mib for r in full]),
            floor_title="same worker before the recompute",
            runs=n,
        ),
    ]
    growth = Figure(
        name="ranking_recompute_memory_growth",
        title="Recompute peak memory, full vs a tenth of the adoptions",
        value=peak,
        unit="MiB",
        floor=median([r.peak_mib for r in tenth]),
        floor_title="peak at SCALE / 10",
        max_ratio=1.1,
        runs=min(n, len(tenth)),
    )
    if not growth_measured:
        growth.note = "not measured (--no-growth or --reuse)"
    figures.append(growth)
    if error:
        for figure in figures:
            figure.note = f"recompute failed: {error}"
    return figures


# --- 3: full-text search vs a substring scan ---------------------------------------------------


def _fulltext(term: str) -> tuple[int, list[int]]:
    from innovations import catalogue

    # What the catalogue searches (on PostgreSQL its narrow rows, innovations/listing.py),
    # counted as the API counts a search by relevance: in the statement of its first page.
    queryset = catalogue.searched(term)
    queryset = catalogue.order(queryset, catalogue.ORDERING_RELEVANCE, True)
    count, ids = catalogue.counted_ids(queryset, 0, 20)
    return count or 0, ids


SUBSTRING_WHERE = """
    FROM innovations_innovation
    WHERE status = 'approved' AND revision_of_id IS NULL AND reconfirmation = ''
        AND (title ILIKE %(like)s OR summary ILIKE %(like)s OR description ILIKE %(like)s)
"""


def _substring(term: str) -> tuple[int, list[int]]:
    """The floor: a plain case-insensitive substring scan over the same rows."""
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*)" + SUBSTRING_WHERE, {"like": like})
        count = cursor.fetchone()[0]
        newest_first = " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20"
        cursor.execute("SELECT id" + SUBSTRING_WHERE + newest_first, {"like": like})
        return count, [row[0] for row in cursor.fetchall()]


def search_figure(
    rounds: int, term: str = SEARCH_TERM, kind: str = "common"
) -> tuple[Figure, dict]:
    figure = Figure(
        name=f"search_{kind}_vs_substring",
        title=f"Catalogue search “{term}” ({kind}): count and first page",
        value=None,
        unit="ms",
        floor=None,
        floor_title="ILIKE substring scan, same rows",
        max_ratio=0.03,
        cache="",
    )
    try:
        found = _fulltext(term)[0]  # warm-up, and whether the search code is there
    except (ImportError, AttributeError) as exc:
        figure.note = f"catalogue search not available: {exc}"
        return figure, {}
    scanned = _substring(term)[0]
    fulltext, substring = [], []
    for i in range(rounds):
        order = [(_fulltext, fulltext), (_substring, substring)]
        for function, times in order if i % 2 == 0 else reversed(order):
            started = time.perf_counter()
            function(term)
            times.append((time.perf_counter() - started) * 1000)
    figure.value, figure.floor, figure.runs = median(fulltext), median(substring), rounds
    figure.samples = rounds
    return figure, {"term": term, "fulltext_matches": found, "substring_matches": scanned}


# --- 2 and 4: pages and the API over HTTP -----------------------------------------------------


@dataclass
class Endpoint:
    name: str
    title: str
    path: str | None  # None: not measured (see note)
    note: str = ""
    failed_path: str | None = None  # the path that failed the check, for the query profile


def _page(url_name: str, query: str = "") -> tuple[str | None, str]:
    with translation.override("nl"):
        try:
            return reverse(url_name) + query, ""
        except NoReverseMatch:
            return None, f"URL {url_name} not defined yet"


def endpoints() -> list[Endpoint]:
    api = "/api/v1/innovations"
    result = []
    for suffix, title, query in [
        ("first", "first page", ""),
        ("filter", f"domain={FILTER_DOMAIN}", f"?domain={FILTER_DOMAIN}"),
        ("search", f"q={SEARCH_TERM}", f"?q={SEARCH_TERM}"),
    ]:
        path, note = _page("innovations:catalogue", query)
        result.append(Endpoint(f"catalogue_page_{suffix}", f"Catalogue page, {title}", path, note))
        result.append(Endpoint(f"catalogue_api_{suffix}", f"Catalogue API, {title}", api + query))
    path, note = _page("ranking:leaderboard")
    result.append(Endpoint("leaderboard_page", "Leaderboard page", path, note))
    return result


def check_endpoints(port: int, found: list[Endpoint]) -> None:
    """Leave out (with a note) endpoints that do not answer 200 within server.TIMEOUT
    seconds: the code is not there yet, it fails, or it is far too slow to measure."""
    for endpoint in found:
        if endpoint.path is None:
            continue
        try:
            status, seconds, _ = server.request(port, endpoint.path)
        except TimeoutError:
            status, seconds = None, server.TIMEOUT
        if status == 200:
            continue
        if status is None or seconds >= server.TIMEOUT - 1:
            endpoint.note = f"no answer within {server.TIMEOUT:g} s"
        else:
            endpoint.note = f"HTTP {status}"
        endpoint.failed_path, endpoint.path = endpoint.path, None


def latency_figures(
    port: int, found: list[Endpoint], rounds: int, requests: int, round_seconds: float = 60
) -> list[Figure]:
    """p50 and p95 per endpoint and of the minimal view, requests interleaved. A round
    stops after `requests` requests per path, or after `round_seconds` once every path
    has had five (slow pages at full scale)."""
    live = [e for e in found if e.path]
    paths = [server.MINIMAL_PATH] + [e.path for e in live]
    per_round = []
    failures: dict[str, str] = {}
    for _ in range(rounds):
        server.latencies(port, paths, 2, failures)  # warm-up
        deadline = time.perf_counter() + round_seconds
        times: dict[str, list[float]] = {path: [] for path in paths}
        for i in range(requests):
            if i >= 5 and time.perf_counter() > deadline:
                break
            for path, seconds in server.latencies(port, paths, 1, failures).items():
                times[path] += seconds
        per_round.append(times)
    if server.MINIMAL_PATH in failures:
        raise RuntimeError(f"the minimal view failed: {failures[server.MINIMAL_PATH]}")
    for endpoint in live:
        if endpoint.path in failures:
            endpoint.note = f"{failures[endpoint.path]} during the rounds"
            endpoint.failed_path, endpoint.path = endpoint.path, None

    def stat(path: str, p: float) -> float | None:
        return median([percentile(times[path], p) * 1000 for times in per_round])

    figures = []
    for endpoint in found:
        if endpoint.name == "leaderboard_page":
            budgets = {50: None, 95: None}  # its budget is on throughput
        else:
            budgets = {50: None, 95: 3.0}
        for p, max_ratio in budgets.items():
            figure = Figure(
                name=f"{endpoint.name}_p{p}",
                title=f"{endpoint.title}, p{p}",
                value=stat(endpoint.path, p) if endpoint.path else None,
                unit="ms",
                floor=stat(server.MINIMAL_PATH, p),
                floor_title=f"minimal view p{p}",
                max_ratio=max_ratio,
                runs=rounds,
                samples=sum(len(t.get(endpoint.path, [])) for t in per_round),
                note=endpoint.note,
                cache="hits",
            )
            figures.append(figure)
    return figures


def throughput_figure(port: int, leaderboard: Endpoint, rounds: int, seconds: float) -> Figure:
    figure = Figure(
        name="leaderboard_throughput",
        title="Leaderboard page throughput",
        value=None,
        unit="req/s",
        floor=None,
        floor_title="minimal view",
        min_ratio=0.8,
        note=leaderboard.note,
        cache="hits",
    )
    pages, floors = [], []
    for i in range(rounds):
        order = [(leaderboard.path, pages), (server.MINIMAL_PATH, floors)]
        for path, results in order if i % 2 == 0 else reversed(order):
            if not path:
                continue
            try:
                results.append(server.throughput(port, path, seconds))
            except RuntimeError as exc:
                if path == server.MINIMAL_PATH:
                    raise
                figure.note, leaderboard.path = str(exc), None
                pages.clear()
    figure.value, figure.floor, figure.runs = median(pages), median(floors), rounds
    figure.samples = rounds
    return figure


def today() -> str:
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
