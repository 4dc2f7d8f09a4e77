"""Reading supplier insight: months of one innovation, this month of a supplier's
innovations, the CSV, and the geometry of the bar chart (the template draws it)."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone

from innovations.models import Innovation

from ..enums import Metric
from ..models import InsightMonth
from .aggregate import month_start

MONTHS = 12
METRICS = list(Metric.values)


def last_months(n: int = MONTHS, today: datetime.date | None = None) -> list[datetime.date]:
    """The first days of the last `n` months, oldest first, this month included."""
    month = month_start(today or timezone.localdate())
    months = [month]
    for _ in range(n - 1):
        month = month_start(month - datetime.timedelta(days=1))
        months.append(month)
    return months[::-1]


def monthly(innovation_ids: list[int], months: list[datetime.date]) -> dict[int, dict]:
    """{innovation id: {month: {metric: count}}} with zeros filled in; one query."""
    table = {pk: {month: dict.fromkeys(METRICS, 0) for month in months} for pk in innovation_ids}
    rows = InsightMonth.objects.filter(
        innovation_id__in=innovation_ids, month__gte=months[0], month__lte=months[-1]
    ).values_list("innovation_id", "month", "metric", "count")
    for innovation_id, month, metric, count in rows:
        if metric in METRICS and month in table[innovation_id]:
            table[innovation_id][month][metric] = count
    return table


def innovation_months(innovation: Innovation, n: int = MONTHS) -> list[dict]:
    """[{"month": date, "views": n, …}, …], oldest first."""
    months = last_months(n)
    table = monthly([innovation.pk], months)[innovation.pk]
    return [{"month": month, **table[month]} for month in months]


def this_month(innovations: QuerySet[Innovation]) -> list[tuple[Innovation, dict]]:
    """The supplier's innovations with this month's figures (two queries)."""
    innovations = list(innovations.order_by("title", "pk"))
    month = last_months(1)
    table = monthly([i.pk for i in innovations], month)
    return [(i, table[i.pk][month[0]]) for i in innovations]


def as_csv(innovation: Innovation, rows: list[dict]) -> str:
    """One line per month; the columns are the API's field names (README, insight)."""
    return _csv([(innovation, rows)])


def as_csv_many(innovations: list[Innovation], months: list[datetime.date]) -> str:
    table = monthly([i.pk for i in innovations], months)
    return _csv([(i, [{"month": m, **table[i.pk][m]} for m in months]) for i in innovations])


def _csv(blocks) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["innovation", "month", *METRICS])
    for innovation, rows in blocks:
        for row in rows:
            writer.writerow(
                [innovation.slug, row["month"].strftime("%Y-%m"), *[row[m] for m in METRICS]]
            )
    return out.getvalue()


# --- The chart ------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 628, 16, 210


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: datetime.date
    value: int


@dataclass
class BarChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def bar_chart(rows: list[dict], metric: str = Metric.VIEWS) -> BarChart:
    """One bar per month of `metric`; the scale runs to a round number above the top."""
    chart = BarChart()
    top = max([row[metric] for row in rows] + [1])
    scale = _round_up(top)
    slot = (RIGHT - LEFT) / max(len(rows), 1)
    for i, row in enumerate(rows):
        height = round(row[metric] / scale * (BOTTOM - TOP), 1)
        chart.bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=round(BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                month=row["month"],
                value=row[metric],
            )
        )
    chart.y_ticks = [
        (round(BOTTOM - tick / scale * (BOTTOM - TOP), 1), tick)
        for tick in (0, scale // 2, scale)
        if tick == 0 or tick != scale // 2 or scale >= 2
    ]
    return chart


def _round_up(value: int) -> int:
    """The next of 1, 2, 5, 10, 20, 50 … at or above `value`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def supplier_totals(innovations: QuerySet[Innovation], months: list[datetime.date]) -> list[dict]:
    """Every month's figures summed over `innovations` (followers too); one query."""
    sums = (
        InsightMonth.objects.filter(
            innovation__in=innovations.values("pk"), month__gte=months[0], month__lte=months[-1]
        )
        .values_list("month", "metric")
        .annotate(total=Sum("count"))
        .order_by()
    )
    rows = {month: {"month": month, **dict.fromkeys(METRICS, 0)} for month in months}
    for month, metric, total in sums:
        if metric in METRICS and month in rows:
            rows[month][metric] = total
    return [rows[month] for month in months]
