"""What counting page views for supplier insight costs (issue 17): an innovation page's
throughput with counting against the same page without it, at least 0.9.

Two gunicorns over the same data: the benchmark's own (counting on, as in production) and a
second one with KOPLOPER_INSIGHT_COUNTING=false, measured in interleaved rounds (the order
alternates) with a browser's User-Agent, as a bot's visit is not counted at all. With
BENCH_REDIS_URL the counts go to Redis, as in production, and the figure's note says
whether they arrived; without it each worker counts in its own memory."""

import socket
from statistics import median

from django.urls import reverse
from django.utils import timezone, translation

from . import server
from .report import Figure

BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
}
MIN_RATIO = 0.9


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def innovation_path() -> tuple[str | None, str]:
    """An approved innovation's page (the first by id), or None and why not."""
    from innovations.models import Innovation

    slug = Innovation.objects.approved().order_by("pk").values_list("slug", flat=True).first()
    if slug is None:
        return None, "no approved innovation in the data"
    with translation.override("nl"):
        return reverse("innovations:detail", args=[slug]), ""


def _counted(redis_url: str, path: str) -> str:
    if not redis_url:
        return "counted in each worker's memory (no BENCH_REDIS_URL)"
    from alerts.insight.counters import RedisCounters

    slug = path.rstrip("/").rsplit("/", 1)[-1]
    counts = RedisCounters(redis_url).counts(timezone.localdate())
    if counts.get(("views", slug)):
        return "the views were counted in Redis (one visitor: one address and browser)"
    return "the views did NOT reach Redis: the counting path was not measured"


def counting_figure(
    port: int, database_url: str, redis_url: str, rounds: int, seconds: float
) -> Figure:
    figure = Figure(
        name="innovation_page_counting_throughput",
        title="Innovation page throughput with insight counting",
        value=None,
        unit="req/s",
        floor=None,
        floor_title="the same page without counting",
        min_ratio=MIN_RATIO,
        cache="hits",
    )
    path, figure.note = innovation_path()
    if path is None:
        return figure
    with server.Server(
        port=_free_port(),
        database_url=database_url,
        redis_url=redis_url,
        extra_env={"KOPLOPER_INSIGHT_COUNTING": "false"},
    ) as uncounted:
        for target in (port, uncounted.port):
            status, _, _ = server.request(target, path, headers=BROWSER)  # warm the caches
            if status != 200:
                figure.note = f"GET {path}: HTTP {status}"
                return figure
        counted, plain = [], []
        for i in range(rounds):
            order = [(port, counted), (uncounted.port, plain)]
            for target, results in order if i % 2 == 0 else reversed(order):
                results.append(server.throughput(target, path, seconds, headers=BROWSER))
    figure.value, figure.floor = median(counted), median(plain)
    figure.runs = figure.samples = rounds
    figure.note = _counted(redis_url, path)
    return figure
