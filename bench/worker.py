"""One round of the recompute measurement, in a fresh process (as a Celery worker runs it):

    python -m bench.worker --reference-date 2025-06-01 [--recompute-first]

times the floor statement (bench/floor.sql) and `ranking.services.ranking_recompute`, one
after the other, reads the process's resident size before the recompute and its peak during it,
checks that both computed the same scores, and prints one JSON object on stdout. The
database is the one of DATABASE_URL."""

import argparse
import datetime
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

FLOOR_SQL = (Path(__file__).resolve().parent / "floor.sql").read_text(encoding="utf-8")


def _status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux 4.0+), so that the peak
    read later is the recompute's, not that of importing Django."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def current_kib() -> int:
    return _status_kib("VmRSS") or peak_kib()


def peak_kib() -> int:
    # VmHWM honours reset_peak(); ru_maxrss (KiB on Linux) is the fallback.
    return _status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_floor(reference_date: datetime.date) -> tuple[float, dict[int, tuple[float, int]]]:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"reference_date": reference_date})
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    return seconds, {municipality: (score, rank) for municipality, score, rank in rows}


def run_recompute(reference_date: datetime.date):
    from ranking.services import ranking_recompute

    started = time.perf_counter()
    run = ranking_recompute(trigger="command", reference_date=reference_date)
    return time.perf_counter() - started, run


def compare(run, floor: dict[int, tuple[float, int]]) -> dict:
    """How far the service's board is from the floor's: municipalities on one board only,
    the largest score difference, and ranks that differ."""
    from ranking.models import RankingEntry

    entries = {
        municipality: (score_micro / 1_000_000, rank)
        for municipality, score_micro, rank in RankingEntry.objects.filter(run=run).values_list(
            "municipality_id", "score_micro", "rank"
        )
    }
    common = entries.keys() & floor.keys()
    return {
        "entries": len(entries),
        "floor_rows": len(floor),
        "only_in_one": len(entries.keys() ^ floor.keys()),
        "max_score_difference": max(
            (abs(entries[m][0] - floor[m][0]) for m in common), default=0.0
        ),
        "rank_differences": sum(1 for m in common if entries[m][1] != floor[m][1]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reference-date", type=datetime.date.fromisoformat, required=True)
    parser.add_argument("--recompute-first", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # Everything the recompute needs is imported before the baseline is read.
    import ranking.models  # noqa: F401
    import ranking.services  # noqa: F401

    gc.collect()
    result = {"baseline_kib": current_kib(), "peak_reset": reset_peak()}
    if args.recompute_first:
        result["recompute_seconds"], run = run_recompute(args.reference_date)
        result["peak_kib"] = peak_kib()
        result["floor_seconds"], floor = run_floor(args.reference_date)
    else:
        result["floor_seconds"], floor = run_floor(args.reference_date)
        result["recompute_seconds"], run = run_recompute(args.reference_date)
        result["peak_kib"] = peak_kib()
    try:
        result["check"] = compare(run, floor)
    except Exception as exc:  # noqa: BLE001 - the check is a report, not a gate
        result["check"] = {"error": f"{type(exc).__name__}: {exc}"}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
