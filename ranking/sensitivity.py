"""How sure is each rank: uncertainty and sensitivity analysis of formula v1 (OECD/JRC
handbook on composite indicators), run with every board.

The draws vary the formula's assumptions within stated ranges (SETTINGS): the three stage
weights each ±50%, the launching-customer factor 1.5–3, the early-adopter factor 1–2, and
recency: half the draws leave it out, the other half take one of ten half-lives from 2 to 5
years (evenly spaced decay rates). Each draw ranks the board again; per municipality the
run keeps the median rank and the 5–95% interval, overall and within the size class.

Cheap by construction. A score is linear in the stage weights and the order factors, so the
counted adoptions are summed ONCE, in one SQL statement, per municipality × stage × order
class (launching customer, early adopter, later adopter), and for each half-life of the grid
the sum of their recency factors (and their plain count, for no recency): some 600 × 9 × 11
numbers, however many adoptions there are. On PostgreSQL that is part of the statement that
writes the board, so the adoptions are scored once (ranking.adoption_sums). A draw is then
a 600 × 9 matrix times a vector of nine weight products, and a ranking of 600 scores. The
ranks are counted into a histogram per municipality (600 × 600), so memory does not grow
with the number of draws, and the percentiles are read off the histogram exactly.

Reproducible: the draws come from Python's `random.Random` (its `random()` sequence for an
integer seed is guaranteed across Python versions) seeded by the run's reference date, so a
re-run of the same date on the same data gives the same intervals; the run stores the
settings and the seed (`RankingRun.sensitivity`), from which `draws()` regenerates them."""

import datetime
import math
import random
from dataclasses import dataclass

import numpy as np

from .adoption_sums import HALF_LIFE_YEARS, STAGES, Groups, grouped_sums, groups_from_rows

# Bump when the method changes, so that stored results say which method made them.
METHOD_VERSION = 1
SETTINGS = {
    "draws": 1000,
    "stage_weight_spread": 0.5,  # each stage weight × U(0.5, 1.5)
    "launching_customer_factor": [1.5, 3.0],
    "early_adopter_factor": [1.0, 2.0],
    "recency_share": 0.5,  # share of the draws with recency
    # 30/k years for k = 6 … 15: 5, 4.29, 3.75, 3.33, 3, 2.73, 2.5, 2.31, 2.14 and 2 years,
    # equally likely: evenly spaced decay rates (1/5 to 1/2 per year), v1's 3 among them.
    "half_life_years": HALF_LIFE_YEARS,
    "percentiles": [5, 50, 95],
}
ORDER_CLASSES = ("launching", "early", "later")
BATCH = 100  # draws ranked at once
# How far a published rank may move before it counts as "moving" on the methodology page.
MOVE_PLACES = 3


def seed_for(reference_date: datetime.date) -> int:
    return int(reference_date.strftime("%Y%m%d"))


@dataclass(frozen=True)
class Draw:
    stage_weights: tuple[float, float, float]  # pilot, implemented, scaled
    launching_customer_factor: float
    early_adopter_factor: float
    half_life_years: float | None  # None: no recency


def draws(settings: dict, seed: int, parameters: dict):
    """The draws of `settings` with `seed`, one at a time (nothing is kept)."""
    rng = random.Random(seed)  # noqa: S311 # nosec B311 - reproducible draws, not secrets
    spread = settings["stage_weight_spread"]
    base = [float(parameters["stage_factors"][stage]) for stage in STAGES]
    low_lc, high_lc = settings["launching_customer_factor"]
    low_ea, high_ea = settings["early_adopter_factor"]
    grid = settings["half_life_years"]
    for _ in range(settings["draws"]):
        weights = tuple(w * rng.uniform(1 - spread, 1 + spread) for w in base)
        launching = rng.uniform(low_lc, high_lc)
        early = rng.uniform(low_ea, high_ea)
        half_life = (
            grid[rng.randrange(len(grid))] if rng.random() < settings["recency_share"] else None
        )
        yield Draw(weights, launching, early, half_life)


# --- The grouped sums ---------------------------------------------------------------------


def coefficients(draw: Draw, parameters: dict) -> np.ndarray:
    """The nine stage weight × order factor products of `draw` (stage-major, as the columns)."""
    orders = (
        draw.launching_customer_factor,
        draw.early_adopter_factor,
        float(parameters["later_adopter_factor"]),
    )
    return np.array([w * f for w in draw.stage_weights for f in orders])


def v1_draw(parameters: dict) -> Draw:
    """The published formula as a draw (the reference point of the one-at-a-time analysis)."""
    return Draw(
        tuple(float(parameters["stage_factors"][stage]) for stage in STAGES),
        float(parameters["launching_customer_factor"]),
        float(parameters["early_adopter_factor"]),
        float(parameters["recency_half_life_years"]),
    )


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Standard competition ranks (1, 2, 2, 4), highest score first, along the last axis
    (one ranking per row of a 2-d array). Scores are rounded to 1e-9 points first, so that
    sums of the same points in another order still tie."""
    rounded = np.round(scores, 9)
    # Any order of equals gives them the same rank: no stable sort needed (it takes twice
    # as long as the default one on the analysis's batches).
    order = np.argsort(-rounded, axis=-1)
    ordered = np.take_along_axis(rounded, order, axis=-1)
    n = ordered.shape[-1]
    places = np.broadcast_to(np.arange(1, n + 1), ordered.shape)
    # A tie takes the place of the first of its equals: the running maximum of the places
    # where a new score starts.
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    ranked = np.maximum.accumulate(np.where(starts, places, 0), axis=-1)
    ranks = np.empty_like(ranked)
    np.put_along_axis(ranks, order, ranked, axis=-1)
    return ranks


# --- The analysis -------------------------------------------------------------------------


@dataclass
class Board:
    """What the analysis needs of a run's entries, in one order."""

    municipality_ids: list[int]
    ranks: np.ndarray
    size_classes: list[str]
    class_ranks: np.ndarray


@dataclass
class Intervals:
    rank_low: np.ndarray
    rank_median: np.ndarray
    rank_high: np.ndarray
    class_rank_low: np.ndarray
    class_rank_median: np.ndarray
    class_rank_high: np.ndarray


def _percentile_ranks(histogram: np.ndarray, total: int, percentile: float) -> np.ndarray:
    """Per row, the smallest rank with at least `percentile`% of the draws at or above it
    (ranks are 1-based columns of the histogram)."""
    if histogram.shape[0] == 0 or total == 0:
        return np.zeros(histogram.shape[0], dtype=np.int64)
    needed = math.ceil(total * percentile / 100)
    cumulative = np.cumsum(histogram, axis=1)
    return np.argmax(cumulative >= needed, axis=1) + 1


def _class_members(size_classes: list[str]) -> dict[str, np.ndarray]:
    members: dict[str, list[int]] = {}
    for i, size_class in enumerate(size_classes):
        members.setdefault(size_class, []).append(i)
    return {size_class: np.array(rows) for size_class, rows in members.items()}


def rank_intervals(
    board: Board, groups: Groups, settings: dict, seed: int, parameters: dict
) -> Intervals:
    """Every draw ranked, counted into histograms; the percentiles read off them. The
    interval always contains the published rank (never narrower than the rank itself)."""
    m = len(board.municipality_ids)
    classes = _class_members(board.size_classes)
    largest_class = max((len(rows) for rows in classes.values()), default=1)
    histogram = np.zeros(m * m, dtype=np.int64)
    class_histogram = np.zeros(m * largest_class, dtype=np.int64)
    # All matrices stacked (no recency first), so a batch of draws is one product.
    stacked = np.concatenate([groups.counts[None], groups.recency])
    which = {None: 0, **{h: k + 1 for k, h in enumerate(groups.half_lives)}}
    total = 0
    batch: list[Draw] = []

    def count(batch: list[Draw]) -> None:
        coefficient_rows = np.array([coefficients(d, parameters) for d in batch])
        matrices = stacked[[which[d.half_life_years] for d in batch]]
        scores = np.einsum("bmj,bj->bm", matrices, coefficient_rows)  # (batch, M)
        cells = np.arange(m) * m + competition_ranks(scores) - 1
        histogram[:] += np.bincount(cells.ravel(), minlength=m * m)
        for members in classes.values():
            cells = members * largest_class + competition_ranks(scores[:, members]) - 1
            class_histogram[:] += np.bincount(cells.ravel(), minlength=m * largest_class)

    # Batches of a fixed size: the memory is the same for 1,000 draws or 100,000.
    for draw in draws(settings, seed, parameters):
        batch.append(draw)
        total += 1
        if len(batch) == BATCH:
            count(batch)
            batch = []
    if batch:
        count(batch)
    histogram = histogram.reshape(m, m)
    class_histogram = class_histogram.reshape(m, largest_class)
    low, median, high = (_percentile_ranks(histogram, total, p) for p in settings["percentiles"])
    class_low, class_median, class_high = (
        _percentile_ranks(class_histogram, total, p) for p in settings["percentiles"]
    )
    return Intervals(
        rank_low=np.minimum(low, board.ranks),
        rank_median=median,
        rank_high=np.maximum(high, board.ranks),
        class_rank_low=np.minimum(class_low, board.class_ranks),
        class_rank_median=class_median,
        class_rank_high=np.maximum(class_high, board.class_ranks),
    )


def one_at_a_time(board: Board, groups: Groups, settings: dict, parameters: dict) -> list[dict]:
    """Each assumption varied alone over its range (seven values, the others as in v1),
    ranked, and compared with the v1 ranks: the mean and largest number of places a
    municipality moves, and how many move more than MOVE_PLACES places at some value.
    Most moving first."""
    base = v1_draw(parameters)
    reference = competition_ranks(
        groups.matrix(base.half_life_years) @ coefficients(base, parameters)
    )
    spread = settings["stage_weight_spread"]

    def spaced(low, high, n=7):
        return [low + (high - low) * i / (n - 1) for i in range(n)]

    variants: dict[str, list[Draw]] = {}
    for i, stage in enumerate(STAGES):
        values = spaced(base.stage_weights[i] * (1 - spread), base.stage_weights[i] * (1 + spread))
        variants[f"stage_weight_{stage.value}"] = [
            Draw(
                tuple(v if j == i else w for j, w in enumerate(base.stage_weights)),
                base.launching_customer_factor,
                base.early_adopter_factor,
                base.half_life_years,
            )
            for v in values
        ]
    variants["launching_customer_factor"] = [
        Draw(base.stage_weights, v, base.early_adopter_factor, base.half_life_years)
        for v in spaced(*settings["launching_customer_factor"])
    ]
    variants["early_adopter_factor"] = [
        Draw(base.stage_weights, base.launching_customer_factor, v, base.half_life_years)
        for v in spaced(*settings["early_adopter_factor"])
    ]
    variants["half_life_years"] = [
        Draw(base.stage_weights, base.launching_customer_factor, base.early_adopter_factor, h)
        for h in settings["half_life_years"][::2]
    ]
    variants["recency"] = [
        Draw(base.stage_weights, base.launching_customer_factor, base.early_adopter_factor, None)
    ]
    results = []
    m = len(board.municipality_ids)
    for name, variant_draws in variants.items():
        shifts = np.zeros((len(variant_draws), m))
        for k, draw in enumerate(variant_draws):
            ranks = competition_ranks(
                groups.matrix(draw.half_life_years) @ coefficients(draw, parameters)
            )
            shifts[k] = np.abs(ranks - reference)
        results.append(
            {
                "assumption": name,
                "mean_places": round(float(shifts.mean()) if m else 0.0, 3),
                "max_places": int(shifts.max()) if m else 0,
                "moved_more_than": int((shifts.max(axis=0) > MOVE_PLACES).sum()) if m else 0,
            }
        )
    results.sort(key=lambda r: (-r["mean_places"], -r["max_places"], r["assumption"]))
    return results


@dataclass
class Analysis:
    intervals: Intervals
    summary: dict


def analyse(
    *,
    board: Board,
    reference_date: datetime.date,
    parameters: dict,
    rows=None,
    settings: dict = SETTINGS,
) -> Analysis:
    """The uncertainty (random draws) and sensitivity (one at a time) analysis of a board;
    `rows`: those of grouped_sql() if the caller has them, else they are selected here."""
    seed = seed_for(reference_date)
    if rows is None:
        groups = grouped_sums(
            reference_date=reference_date,
            parameters=parameters,
            municipality_ids=board.municipality_ids,
        )
    else:
        groups = groups_from_rows(rows, board.municipality_ids)
    intervals = rank_intervals(board, groups, settings, seed, parameters)
    moved = np.maximum(board.ranks - intervals.rank_low, intervals.rank_high - board.ranks)
    summary = {
        "method_version": METHOD_VERSION,
        "seed": seed,
        "generator": "Python random.Random (Mersenne Twister), seeded with the reference date",
        "settings": settings,
        "board_size": len(board.municipality_ids),
        "move_places": MOVE_PLACES,
        "moved_more_than": int((moved > MOVE_PLACES).sum()),
        "one_at_a_time": one_at_a_time(board, groups, settings, parameters),
    }
    return Analysis(intervals=intervals, summary=summary)
