"""Geometry for the server-rendered SVGs: the rank-history chart and the badge.
The templates draw; this computes where."""

from dataclasses import dataclass, field

from .selectors import HistoryPoint

CHART_WIDTH = 640
CHART_HEIGHT = 240
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 56, 620, 20, 200


@dataclass
class ChartPoint:
    x: float
    y: float
    date: object
    rank: int


@dataclass
class RankChart:
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT
    top: int = PLOT_TOP
    bottom: int = PLOT_BOTTOM
    points: list[ChartPoint] = field(default_factory=list)
    # Runs in a row where the municipality was on the board, drawn as one line each.
    lines: list[str] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_labels: list[tuple[float, object, str]] = field(default_factory=list)


def rank_chart(history: list[HistoryPoint]) -> RankChart | None:
    """Rank over time, rank 1 at the top; gaps where it was not on the board."""
    ranked = [point for point in history if point.entry is not None]
    if not ranked:
        return None
    chart = RankChart()
    worst = max(max(point.entry.rank for point in ranked), 2)
    dates = [point.run.reference_date for point in history]
    first, last = min(dates), max(dates)
    span = (last - first).days

    def x_for(date) -> float:
        if span == 0:
            return (PLOT_LEFT + PLOT_RIGHT) / 2
        return round(PLOT_LEFT + (date - first).days / span * (PLOT_RIGHT - PLOT_LEFT), 1)

    def y_for(rank: int) -> float:
        return round(PLOT_TOP + (rank - 1) / (worst - 1) * (PLOT_BOTTOM - PLOT_TOP), 1)

    segment: list[str] = []
    for point in history:
        if point.entry is None:
            if len(segment) > 1:
                chart.lines.append(" ".join(segment))
            segment = []
            continue
        x, y = x_for(point.run.reference_date), y_for(point.entry.rank)
        chart.points.append(
            ChartPoint(x=x, y=y, date=point.run.reference_date, rank=point.entry.rank)
        )
        segment.append(f"{x},{y}")
    if len(segment) > 1:
        chart.lines.append(" ".join(segment))
    ticks = sorted({1, worst, *(r for r in (round(worst / 2),) if 1 < r < worst)})
    chart.y_ticks = [(y_for(rank), rank) for rank in ticks]
    chart.x_labels = [(x_for(first), first, "start")]
    if span:
        chart.x_labels.append((x_for(last), last, "end"))
    return chart


@dataclass
class Badge:
    label: str
    value: str
    label_width: int
    value_width: int

    @property
    def width(self) -> int:
        return self.label_width + self.value_width

    @property
    def label_x(self) -> float:
        return self.label_width / 2

    @property
    def value_x(self) -> float:
        return self.label_width + self.value_width / 2


def _text_width(text: str) -> int:
    """Good enough for 11px Verdana/DejaVu Sans: wide letters, narrow punctuation."""
    narrow = sum(1 for char in text if char in "il.,:;!'|()[] ")
    return round((len(text) - narrow) * 7 + narrow * 3.5) + 12


def badge(label: str, value: str) -> Badge:
    return Badge(
        label=label,
        value=value,
        label_width=_text_width(label),
        value_width=_text_width(value),
    )


@dataclass
class IntervalChart:
    """A horizontal rank axis, best rank on the left, zoomed to the interval: the 5–95%
    range as a bar, the median as a tick and the published rank as a dot."""

    width: int
    height: int
    left: float
    right: float
    axis_y: int
    first: int  # the rank at the left end of the axis
    last: int  # … and at the right end
    low_x: float
    high_x: float
    median_x: float
    rank_x: float
    ticks: list[tuple[float, int]]

    @property
    def bar_width(self) -> float:
        # At least a sliver, so that an interval of one rank still shows.
        return max(round(self.high_x - self.low_x, 1), 4.0)

    @property
    def bar_x(self) -> float:
        return self.low_x if self.high_x - self.low_x >= 4 else self.low_x - 2


def interval_chart(entry, board_size: int) -> IntervalChart | None:
    if entry is None or not entry.has_interval:
        return None
    width, left, right = 480, 24, 456
    spread = max(entry.rank_high - entry.rank_low, 1)
    first = max(1, entry.rank_low - spread)
    last = min(max(board_size, entry.rank_high), entry.rank_high + spread)
    last = max(last, first + 1)

    def x_for(rank: int) -> float:
        return round(left + (rank - first) / (last - first) * (right - left), 1)

    ticks = sorted({first, entry.rank_low, entry.rank, entry.rank_high, last})
    return IntervalChart(
        width=width,
        height=64,
        left=left,
        right=right,
        axis_y=40,
        first=first,
        last=last,
        low_x=x_for(entry.rank_low),
        high_x=x_for(entry.rank_high),
        median_x=x_for(entry.rank_median),
        rank_x=x_for(entry.rank),
        ticks=[(x_for(rank), rank) for rank in ticks],
    )
