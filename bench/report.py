"""The benchmark report: docs/performance.json (one object per figure) and the same as a
Markdown table in docs/performance.md, with how it was measured and the notes."""

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("name", "value", "unit", "floor", "ratio", "budget", "met")


@dataclass
class Figure:
    """One measured figure: `value` against its `floor` measured in the same run.

    `budget` is a bound on `ratio` (value / floor): max_ratio for "at most that many
    times the floor", min_ratio for "at least that share of the floor"; or on the value
    itself (max_value, min_value: "p95 at most 250 ms", "at least 40 req/s"); None when
    the figure is for information only. `value` is None when it could not be measured (the
    code was not there, a request failed); `note` then says why. `cache` says whether the
    figure was served from a cache: "hits", "cold" (nothing cached for it), "mixed" or ""
    (no cache involved)."""

    name: str
    title: str
    value: float | None
    unit: str
    floor: float | None
    floor_title: str = ""
    max_ratio: float | None = None
    min_ratio: float | None = None
    runs: int = 0
    note: str = ""
    previous: float | None = None
    samples: int = 0  # measurements behind the value (requests for a latency)
    max_value: float | None = None
    min_value: float | None = None
    cache: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def budget(self) -> str | None:
        if self.max_ratio is not None:
            return f"ratio <= {self.max_ratio:g}"
        if self.min_ratio is not None:
            return f"ratio >= {self.min_ratio:g}"
        if self.max_value is not None:
            return f"value <= {self.max_value:g} {self.unit}"
        if self.min_value is not None:
            return f"value >= {self.min_value:g} {self.unit}"
        return None

    @property
    def met(self) -> bool | None:
        if self.budget is None:
            return None
        if self.max_value is not None or self.min_value is not None:
            if self.value is None:
                return False
            if self.max_value is not None and self.value > self.max_value:
                return False
            return not (self.min_value is not None and self.value < self.min_value)
        ratio = self.ratio
        if ratio is None:
            return False
        if self.max_ratio is not None and ratio > self.max_ratio:
            return False
        if self.min_ratio is not None and ratio < self.min_ratio:
            return False
        return True

    @property
    def margin(self) -> float | None:
        """How far inside its budget the figure is, as a share of the budget (0.25 = 25%
        to spare; negative: missed by that share)."""
        pairs = [
            (self.max_ratio, self.ratio, -1),
            (self.min_ratio, self.ratio, 1),
            (self.max_value, self.value, -1),
            (self.min_value, self.value, 1),
        ]
        for bound, actual, sign in pairs:
            if bound is not None and actual is not None and bound:
                return sign * (actual - bound) / bound
        return None

    def as_json(self, scale: float) -> dict:
        data = {
            "name": self.name,
            "value": _round(self.value),
            "unit": self.unit,
            "floor": _round(self.floor),
            "ratio": _round(self.ratio, 3),
            "budget": self.budget,
            "met": self.met,
            "title": self.title,
            "floor_title": self.floor_title,
            "runs": self.runs,
            "samples": self.samples,
            "scale": scale,
            "previous": _round(self.previous),
            "cache": self.cache,
            "margin": _round(self.margin, 3),
        }
        if self.note:
            data["note"] = self.note
        return data


def _round(value: float | None, digits: int = 2) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, digits if abs(value) >= 1 else 4)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank) of `values`."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def read_previous(json_path: Path, scale: float) -> dict[str, float]:
    """Values of the last report at the same scale, by name (the "before" column)."""
    try:
        rows = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {
        row["name"]: row["value"]
        for row in rows
        if isinstance(row, dict) and row.get("scale") == scale and row.get("value") is not None
    }


def write(
    out_dir: Path,
    figures: list[Figure],
    *,
    scale: float,
    meta: dict,
    notes: str = "",
    extra_sections: list[str] | None = None,
) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "performance.json"
    md_path = out_dir / "performance.md"
    previous = read_previous(json_path, scale)
    for figure in figures:
        if figure.previous is None:
            figure.previous = previous.get(figure.name)
    rows = [figure.as_json(scale) for figure in figures]
    json_path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(
        markdown(figures, scale=scale, meta=meta, notes=notes, extra_sections=extra_sections),
        encoding="utf-8",
    )
    return json_path, md_path


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def _met(figure: Figure) -> str:
    if figure.met is None:
        return "(info)"
    return "yes" if figure.met else "**NO**"


def markdown(
    figures: list[Figure],
    *,
    scale: float,
    meta: dict,
    notes: str = "",
    extra_sections: list[str] | None = None,
) -> str:
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (the `bench` package); do not edit by hand. The notes "
        "come from `bench/notes.md` (`python -m bench --notes-only` copies them in).",
        "",
        f"Scale {scale:g}: " + ", ".join(f"{v} {k}" for k, v in meta.get("data", {}).items()),
        "",
        f"Run {meta.get('when', '')} on {meta.get('machine', '')}; {meta.get('environment', '')}",
        "",
        "| figure | value | floor | ratio | budget | met | margin | cache | before "
        "| runs (samples) |",
        "|---|---:|---:|---:|---|---|---:|---|---:|---:|",
    ]
    for f in figures:
        ratio = "–" if f.ratio is None else f"{f.ratio:.3g}"
        floor = _fmt(f.floor, f.unit)
        if f.floor_title:
            floor += f" ({f.floor_title})"
        value = _fmt(f.value, f.unit)
        if f.note:
            value += f" ({f.note})"
        margin = "–" if f.margin is None else f"{f.margin:+.0%}"
        if f.margin is not None and 0 <= f.margin < 0.2:
            margin += " (thin)"
        lines.append(
            f"| {f.title} (`{f.name}`) | {value} | {floor} | {ratio} | {f.budget or '–'} "
            f"| {_met(f)} | {margin} | {f.cache or '–'} | {_fmt(f.previous, f.unit)} | {f.runs}"
            + (f" ({f.samples})" if f.samples and f.samples != f.runs else "")
            + " |"
        )
    missed = [f for f in figures if f.met is False]
    thin = [f for f in figures if f.met and f.margin is not None and f.margin < 0.2]
    lines += [
        "",
        f"Budgets met: {sum(1 for f in figures if f.met)} of "
        f"{sum(1 for f in figures if f.met is not None)}"
        + (f"; missed: {', '.join(f'`{f.name}`' for f in missed)}." if missed else ".")
        + (
            f" Met with less than 20% margin: {', '.join(f'`{f.name}`' for f in thin)} "
            "(see the notes)."
            if thin
            else ""
        ),
        "",
        "Cache: `cold` = nothing was cached for the request (the cache emptied before the "
        "round, every combination requested once); `hits` = served from the caches after a "
        "first request; `mixed` = some of each, as in real use; `–` = no cache involved.",
        "",
    ]
    lines += [NOTES_START, "", notes.strip(), "", NOTES_END, ""]
    lines += HOW_MEASURED
    for section in extra_sections or []:
        lines += ["", section.rstrip()]
    return "\n".join(lines) + "\n"


NOTES_START = "<!-- notes: from bench/notes.md -->"
NOTES_END = "<!-- end of notes -->"


def replace_notes(md_path: Path, notes: str) -> None:
    """Put `notes` into an existing report (after editing bench/notes.md, no re-run)."""
    text = md_path.read_text(encoding="utf-8")
    head, start, rest = text.partition(NOTES_START)
    _, end, tail = rest.partition(NOTES_END)
    if not start or not end:
        raise ValueError(f"{md_path} has no notes markers; run the benchmark again")
    md_path.write_text(f"{head}{start}\n\n{notes.strip()}\n\n{end}{tail}", encoding="utf-8")


HOW_MEASURED = [
    "## How measured",
    "",
    "- Data: `bench/generate.py` fills a fresh PostgreSQL database (`koploper_bench`) with "
    "COPY from one seeded generator: all 627 municipalities, then suppliers, approved and "
    "unpublished innovations with Dutch text and 1–3 domains, and adoptions (unique per "
    "municipality × innovation; 80% verified; pilot 40%, implemented 30%, scaled 20%, "
    "ended 10%; a long-tailed number of adopters per innovation, big municipalities "
    "adopting more), all × SCALE, with the verified stage history of each adoption "
    "(`bench/history.py`: most implemented, scaled or ended adoptions were a pilot first). "
    "Dates are relative to 2025-06-01, the reference date of the benchmark's current "
    "boards; a board of 2025-05-01 is published before them (`bench/boards.py`), so that "
    "scorecards say why each municipality moved, as after the nightly runs.",
    "- Every figure is the median over several rounds; in each round the figure and its "
    "floor are measured one after the other (HTTP requests interleaved), so both see the "
    "same machine load. `ratio` = value / floor.",
    "- Ranking recompute: `ranking.services.ranking_recompute` (scoring, writing the run "
    "and publishing it) in a fresh worker process, vs one hand-written SQL statement "
    "computing every municipality's formula-v1 score and rank over the same rows "
    "(`bench/floor.sql`), in the same process. The report also checks that both give the "
    "same scores.",
    "- Peak memory: the worker's peak resident size during the recompute (Linux `VmHWM`, "
    "reset through `/proc/self/clear_refs` just before it); its floor is the same "
    "process's resident size before the recompute (Django loaded, connected). Growth: the "
    "same peak with a tenth of the data (SCALE / 10, generated first), so the ratio shows "
    "how memory grows with 10× the adoptions.",
    "- Pages and API: gunicorn with 2 sync workers, DEBUG off, production settings "
    "(`bench/settings.py` only adds the bench URLconf, a private STATIC_ROOT with the same "
    "manifest but uncompressed files, and limits no benchmark client can reach for the API "
    "throttles, which still run), requests one at a time from a plain Python client over "
    "real HTTP (a new connection per request, as with sync workers). The floor is "
    "`/bench/minimal/` (`bench/urls.py`, not in the product URLs): a view that reads one "
    "row from the same database and returns it as JSON through the same middleware.",
    "- Search: the catalogue's own search queryset (`innovations.catalogue.searched`: the "
    "count and the first page by relevance, counted in the page's statement as the API "
    "does) vs a case-insensitive substring scan "
    "(`ILIKE '%term%'` on title, summary and description: count and first page) over the "
    "same listed innovations (approved, approval current).",
    "- Leaderboard throughput: requests per second with 4 concurrent client threads "
    "against the 2 workers, leaderboard page vs the minimal view, alternating.",
    "- Query profile: each page once through Django's test client in the benchmark "
    "process, with every query and its time captured (see below); tests elsewhere assert "
    "that the query counts do not grow with the rows.",
]
