"""`python -m bench` (what `make bench` runs): recreate the benchmark database, migrate it,
load the municipalities, generate the data at SCALE and measure; write docs/performance.*.

To measure again in a minute or two at full scale: `--reuse` keeps the database when it
already holds the data of this scale and seed (it is migrated, nothing generated), and
`--only PREFIX[,PREFIX]` measures only the figures whose names start so
(`--only catalogue_api_cold,search_frequent`); with --only, the report is written only
where --out says, as it would lack the other figures.

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/koploper_bench);
the benchmark sets DATABASE_URL to it for itself and its subprocesses. BENCH_REDIS_URL,
if set, is the cache (and broker) of the measured processes; otherwise the local-memory
cache of the embedded default."""

import argparse
import os
import sys
from pathlib import Path

from . import database


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("SCALE") or 1),
        help="1 = 100,000 approved innovations and 1,000,000 adoptions (default: $SCALE or 1)",
    )
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT") or 8106))
    parser.add_argument("--rounds", type=int, help="rounds of the HTTP and search measurements")
    parser.add_argument("--recompute-rounds", type=int)
    parser.add_argument("--requests", type=int, help="requests per path and round")
    parser.add_argument("--no-growth", action="store_true", help="skip the SCALE/10 memory phase")
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="create and fill the database, measure nothing (to explore queries with EXPLAIN)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the data already in the database if it is of this scale and seed "
        "(no recreate, no generation, no memory-growth phase)",
    )
    parser.add_argument(
        "--only",
        type=lambda text: tuple(p.strip() for p in text.split(",") if p.strip()),
        default=(),
        metavar="PREFIX[,PREFIX]",
        help="measure only the figures whose names start with one of these",
    )
    parser.add_argument("--out", type=Path, help="where to write the report (default: docs/)")
    parser.add_argument(
        "--notes-only",
        action="store_true",
        help="only copy bench/notes.md into the existing docs/performance.md (no run)",
    )
    args = parser.parse_args(argv)
    if args.out is None and not args.only:
        args.out = Path(__file__).resolve().parent.parent / "docs"
    if args.notes_only:
        from .report import replace_notes
        from .run import NOTES

        out = args.out or Path(__file__).resolve().parent.parent / "docs"
        replace_notes(out / "performance.md", NOTES.read_text(encoding="utf-8"))
        return 0
    if args.scale <= 0:
        parser.error("--scale must be positive")

    url = database.database_url()
    reuse = args.reuse and database.exists(url)
    if not reuse:
        print(f"Benchmark database: {database.database_name(url)} (recreated)", flush=True)
        database.recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from .run import Options, run

    call_command("migrate", verbosity=0)
    reused = None
    if reuse:
        from .dataset import counts_for_reuse

        reused, why = counts_for_reuse(args.scale, args.seed)
        if reused is None:
            print(f"Not reused ({why}): recreating it", flush=True)
            from django.db import connections

            connections.close_all()
            database.recreate(url)
            call_command("migrate", verbosity=0)
        else:
            print(f"Benchmark database: {database.database_name(url)} (reused)", flush=True)
            if why:
                print(f"  note: {why}", flush=True)
    if reused is None:
        call_command("load_municipalities")
    if redis_url:
        from django.core.cache import cache

        cache.clear()
    if args.generate_only:
        from .generate import generate

        if reused is None:
            generate(args.scale, seed=args.seed)
        return 0
    kwargs = {
        key: value
        for key, value in {
            "rounds": args.rounds,
            "recompute_rounds": args.recompute_rounds,
            "requests": args.requests,
        }.items()
        if value is not None
    }
    options = Options.for_scale(
        args.scale,
        database_url=url,
        port=args.port,
        seed=args.seed,
        redis_url=redis_url,
        memory_growth=not args.no_growth,
        reused=reused,
        only=args.only,
        out_dir=args.out,
        log=lambda message: print(message, flush=True),
        **kwargs,
    )
    figures, _, _ = run(options)
    print()
    for figure in figures:
        ratio = "–" if figure.ratio is None else f"{figure.ratio:.3g}"
        met = {None: "", True: "met", False: "MISSED"}[figure.met]
        value = "–" if figure.value is None else f"{figure.value:.4g}"
        print(f"  {figure.name:<40} {value:>10} {figure.unit:<6} ratio {ratio:<8} {met}")
    if args.out is not None:
        print(f"\nWrote {args.out / 'performance.json'} and {args.out / 'performance.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
