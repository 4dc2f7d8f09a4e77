"""The benchmark run: data at a tenth of the scale for the memory growth, then the full
data set and every measurement, then the report. Runs against the database of Django's
default connection (already migrated, municipalities loaded); subprocesses (the
recompute worker, gunicorn) get `database_url`, which must point at the same database."""

import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import boards, cold, counting, load, measure, queries, report, server
from .generate import FILTER_DOMAIN, REFERENCE_DATE, SEARCH_TERM, SEARCH_TERMS, generate
from .sensitivity import sensitivity_figure

NOTES = Path(__file__).resolve().parent / "notes.md"


@dataclass
class Options:
    scale: float
    database_url: str
    port: int = 8106
    seed: int = 20250601
    redis_url: str = ""
    rounds: int = 3  # rounds of the HTTP and search measurements
    recompute_rounds: int = 3
    requests: int = 30  # requests per path per round
    throughput_seconds: float = 5.0
    round_seconds: float = 60.0  # a latency round stops after this (5 requests at least)
    memory_growth: bool = True
    combinations: int = cold.COMBINATIONS
    load_clients: int = load.CLIENTS
    load_seconds: float = load.SECONDS
    out_dir: Path | None = None
    notes: bool = True
    log: object = field(default=print)
    # Measure the data set already in the database (dataset.counts_for_reuse checked it)
    # instead of generating it: these are its counts.
    reused: dict | None = None
    # Only the figures whose names start with one of these (all if empty).
    only: tuple[str, ...] = ()

    def wants(self, *names: str) -> bool:
        """Is any of the figures `names` to be measured?"""
        return not self.only or any(n.startswith(p) for n in names for p in self.only)

    @classmethod
    def for_scale(cls, scale: float, **kwargs) -> "Options":
        """Fewer repetitions for small runs (a test, a quick try)."""
        if scale < 0.05:
            kwargs.setdefault("recompute_rounds", 2)
            kwargs.setdefault("requests", 10)
            kwargs.setdefault("throughput_seconds", 1.0)
            kwargs.setdefault("combinations", 30)
            kwargs.setdefault("load_seconds", 5.0)
        return cls(scale=scale, **kwargs)


def run(options: Options) -> tuple[list[report.Figure], dict, list[str]]:
    log = options.log
    started = time.perf_counter()
    tenth: list[measure.WorkerRound] = []
    tenth_counts: dict[str, int] = {}
    found = measure.endpoints()
    wants = options.wants
    if options.memory_growth and options.reused is None:
        log(f"Phase 1: a tenth of the data (scale {options.scale / 10:g}) for the memory growth")
        generate(options.scale / 10, seed=options.seed, log=log)
        tenth, _ = measure.worker_rounds(
            options.database_url, options.recompute_rounds, options.redis_url, log=log
        )
        tenth_counts = queries.query_counts(found)
    if options.reused is None:
        log(f"Phase 2: the data set at scale {options.scale:g}")
        counts = generate(options.scale, seed=options.seed, log=log)
    else:
        log(f"Phase 2: the data set at scale {options.scale:g} already in the database")
        counts = dict(options.reused)
    # The current board and a month earlier one before it, as the nightly runs leave them
    # (scorecards say why each municipality moved).
    boards.ensure(log=log)

    figures, full = [], []
    if wants(*measure.RECOMPUTE_FIGURES):
        log("Ranking recompute vs its floor, in a fresh worker process per round")
        full, error = measure.worker_rounds(
            options.database_url, options.recompute_rounds, options.redis_url, log=log
        )
        figures += measure.recompute_figures(full, tenth, error, growth_measured=bool(tenth))
    if wants("ranking_sensitivity"):
        log("Sensitivity analysis of the published run vs the recompute floor")
        figures.append(sensitivity_figure(REFERENCE_DATE, options.recompute_rounds, log=log))

    searches, all_matches = [], []
    for kind, term in SEARCH_TERMS.items():
        if not wants(f"search_{kind}_vs_substring"):
            continue
        log(f"Full-text search vs substring scan (“{term}”, {kind})")
        figure, matches = measure.search_figure(max(options.rounds, 5), term, kind)
        searches.append(figure)
        all_matches.append(matches)

    sections = [_recompute_section(full, tenth, options.scale), _search_section(all_matches)]
    targets = cold.targets(options.combinations, options.seed)
    timed = [e for e in found if wants(f"{e.name}_p50", f"{e.name}_p95")]
    leaderboard = next(e for e in found if e.name == "leaderboard_page")
    cold_targets = [t for t in targets if wants(f"{t.name}_p50", f"{t.name}_p95")]
    latency, throughput, counted, mix = [], [], [], []
    served = ("leaderboard_throughput", "innovation_page_counting_throughput", *load.FIGURES)
    if timed or cold_targets or wants(*served):
        log(f"Pages and API through gunicorn on port {options.port}")
        with server.Server(
            port=options.port, database_url=options.database_url, redis_url=options.redis_url
        ) as gunicorn:
            measure.check_endpoints(
                gunicorn.port, timed + [leaderboard] * (leaderboard not in timed)
            )
            if timed:
                latency = measure.latency_figures(
                    gunicorn.port, timed, options.rounds, options.requests, options.round_seconds
                )
            if wants("leaderboard_throughput"):
                throughput = [
                    measure.throughput_figure(
                        gunicorn.port, leaderboard, options.rounds, options.throughput_seconds
                    )
                ]
            if wants("innovation_page_counting_throughput"):
                log("Innovation page throughput with insight counting vs without")
                counted = [
                    counting.counting_figure(
                        gunicorn.port,
                        options.database_url,
                        options.redis_url,
                        options.rounds,
                        options.throughput_seconds,
                    )
                ]
            if cold_targets:
                log("Cold: every combination and object once, nothing cached for it")
                cold.measure(gunicorn, cold_targets, log=log)
            if wants(*load.FIGURES):
                clients, seconds = options.load_clients, options.load_seconds
                log(f"Load: {clients} clients for {seconds:g} s on the mix")
                mix = load.figures(
                    load.run(
                        gunicorn,
                        load.paths_for(targets, leaderboard.path or "/nl/ranking/"),
                        options.load_clients,
                        options.load_seconds,
                    ),
                    options.load_clients,
                    options.load_seconds,
                )
    if options.out_dir is not None:
        sections.append(queries.query_profile(found, tenth_counts))

    leaderboard_latency = [f for f in latency if f.name.startswith("leaderboard")]
    figures += [f for f in latency if not f.name.startswith("leaderboard")]
    figures += cold.figures(cold_targets)
    figures += mix
    figures += [*searches, *throughput, *counted, *leaderboard_latency]
    generated = (
        f"data generated in {counts['seconds']} s"
        if "seconds" in counts
        else "data generated by an earlier run (--reuse)"
    )
    meta = {
        "data": {k.replace("_", " "): f"{v:,}" for k, v in counts.items() if k != "seconds"},
        "when": measure.today(),
        "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "environment": (
            f"PostgreSQL {_postgres_version()}, cache "
            + ("Redis" if options.redis_url else "local memory")
            + f", gunicorn 2 sync workers; {generated}, "
            f"benchmark took {time.perf_counter() - started:.0f} s; load average "
            f"{_load()} at the end. Warm figures: search term “{SEARCH_TERM}”, filter "
            f"domain={FILTER_DOMAIN}."
        ),
    }
    if options.out_dir is not None:
        notes = NOTES.read_text(encoding="utf-8") if options.notes and NOTES.exists() else ""
        report.write(
            options.out_dir,
            figures,
            scale=options.scale,
            meta=meta,
            notes=notes,
            extra_sections=sections,
        )
    return figures, meta, sections


def _postgres_version() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "(not PostgreSQL)"
    major, minor = divmod(connection.pg_version, 10000)
    return f"{major}.{minor}"


def _recompute_section(full, tenth, scale: float) -> str:
    lines = ["## Recompute rounds", ""]
    check = full[-1].check if full else {}
    if "error" in check:
        lines.append(f"Check of the service's board against the floor failed: {check['error']}")
    elif check:
        lines.append(
            f"The service's board and the floor statement agree: {check['entries']} entries "
            f"vs {check['floor_rows']} floor rows, {check['only_in_one']} on one board only, "
            f"largest score difference {check['max_score_difference']:.2g} points, "
            f"{check['rank_differences']} ranks differ."
        )
    lines.append("")
    lines.append("| data | recompute (s) | floor (s) | baseline (MiB) | peak (MiB) |")
    lines.append("|---|---|---|---|---|")
    for label, rounds in [(f"scale {scale / 10:g}", tenth), (f"scale {scale:g}", full)]:
        for r in rounds:
            lines.append(
                f"| {label} | {r.recompute_seconds:.3f} | {r.floor_seconds:.3f} "
                f"| {r.baseline_mib:.1f} | {r.peak_mib:.1f} |"
            )
    return "\n".join(lines)


def _load() -> str:
    try:
        return " / ".join(f"{n:.1f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def _search_section(all_matches: list[dict]) -> str:
    lines = ["## Search", ""]
    for matches in all_matches:
        if not matches:
            lines.append("- Not measured.")
            continue
        lines.append(
            f"- “{matches['term']}” finds {matches['fulltext_matches']:,} approved innovations "
            "with full-text search (Dutch stemming, prefixes, compound parts) and "
            f"{matches['substring_matches']:,} with the substring scan."
        )
    return "\n".join(lines)


def database_url_from_settings() -> str:
    """The URL of Django's default database (to give subprocesses the same one)."""
    from django.db import connection

    from .database import url_for_connection

    return url_for_connection(connection.settings_dict)
