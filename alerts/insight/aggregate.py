"""From counters and histories to the numbers suppliers see: daily counts (InsightDay,
kept 90 days) and monthly ones (InsightMonth, kept).

`insight_flush` (beat, every ten minutes) writes today's counts, and yesterday's one last
time after midnight, as absolute values: running it twice writes the same rows. Sources:

- page views, comparisons, challenge views: the day's visitor counters (counters.py);
  a challenge's views count for every innovation the challenge page suggests when the
  counts are flushed ("times shown as a challenge suggestion");
- shortlist additions: shortlist rows added that day (a row removed the same day is not
  counted); adoption claims: adoptions recorded that day; verifications: the audit log's
  verifications of that day;
- followers: how many follow the innovation now, kept as the month's figure.

Months are summed from the days; every day of the current and the previous month is
still kept (90 days), so both are exact, and older months stay as they were."""

import datetime
import logging
from collections import Counter

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from audit.models import AuditEntry
from innovations.models import Innovation
from municipalities.matchmaking import challenge_suggestions
from municipalities.models import Adoption, Challenge, ShortlistItem

from ..enums import Metric
from ..models import Follow, InsightDay, InsightMonth, Watermark
from .counters import counters

logger = logging.getLogger("koploper.insight")

KEEP_DAYS = 90
FINAL = "insight-final-day"
COUNTER_METRICS = (Metric.VIEWS, Metric.COMPARISONS, Metric.SUGGESTIONS)
HISTORY_METRICS = (Metric.SHORTLISTS, Metric.CLAIMS, Metric.VERIFICATIONS)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _ids_by_slug(slugs) -> dict[str, int]:
    return dict(Innovation.objects.filter(slug__in=list(slugs)).values_list("slug", "pk"))


def counter_counts(day: datetime.date) -> dict[str, Counter]:
    """The day's visitor counts per metric and innovation id, suggestions attributed."""
    raw = counters().counts(day)
    by_metric = {metric: Counter() for metric in COUNTER_METRICS}
    slugs = {key for (metric, key) in raw if metric in ("views", "comparisons")}
    ids = _ids_by_slug(slugs)
    challenge_views = {}
    for (metric, key), count in raw.items():
        if metric in ("views", "comparisons") and key in ids:
            by_metric[metric][ids[key]] += count
        elif metric == "challenge_views" and key.isdigit():
            challenge_views[int(key)] = count
    challenges = Challenge.objects.select_related("municipality").filter(pk__in=challenge_views)
    for challenge in challenges:
        for suggestion in challenge_suggestions(challenge):
            by_metric[Metric.SUGGESTIONS][suggestion.innovation.pk] += challenge_views[challenge.pk]
    return by_metric


def history_counts(day: datetime.date) -> dict[str, Counter]:
    """The day's shortlist additions, adoption claims and verifications per innovation."""

    def grouped(queryset, field="innovation_id") -> Counter:
        return Counter(dict(queryset.values_list(field).annotate(n=Count("pk")).order_by()))

    verified = AuditEntry.objects.filter(
        action="adoption.verify", object_type="municipalities.adoption", created_at__date=day
    ).values_list("object_id", flat=True)
    adoption_ids = [int(pk) for pk in verified if str(pk).isdigit()]
    by_adoption = dict(
        Adoption.objects.filter(pk__in=adoption_ids).values_list("pk", "innovation_id")
    )
    return {
        Metric.SHORTLISTS: grouped(ShortlistItem.objects.filter(created_at__date=day)),
        Metric.CLAIMS: grouped(Adoption.objects.filter(created_at__date=day)),
        Metric.VERIFICATIONS: Counter(by_adoption[pk] for pk in adoption_ids if pk in by_adoption),
    }


def _write_day(day: datetime.date, metric: str, counts: Counter, *, only_up: bool) -> int:
    """Make the day's rows of `metric` say `counts`. Counters only grow within a day, so
    with `only_up` a lower figure (Redis restarted) never replaces a higher one."""
    existing = {row.innovation_id: row for row in InsightDay.objects.filter(day=day, metric=metric)}
    valid = set(Innovation.objects.filter(pk__in=list(counts)).values_list("pk", flat=True))
    create, update, delete = [], [], []
    for innovation_id, count in counts.items():
        if innovation_id not in valid or count <= 0:
            continue
        row = existing.get(innovation_id)
        if row is None:
            create.append(
                InsightDay(innovation_id=innovation_id, day=day, metric=metric, count=count)
            )
        elif count != row.count and not (only_up and count < row.count):
            row.count = count
            update.append(row)
    if not only_up:
        delete = [row.pk for pk, row in existing.items() if counts.get(pk, 0) <= 0]
    InsightDay.objects.bulk_create(create)
    InsightDay.objects.bulk_update(update, ["count"])
    InsightDay.objects.filter(pk__in=delete).delete()
    return len(create) + len(update) + len(delete)


def _write_month(month: datetime.date, metric: str, counts: dict[int, int]) -> None:
    existing = {
        row.innovation_id: row for row in InsightMonth.objects.filter(month=month, metric=metric)
    }
    create, update = [], []
    for innovation_id, count in counts.items():
        row = existing.get(innovation_id)
        if row is None:
            if count > 0:
                create.append(
                    InsightMonth(
                        innovation_id=innovation_id, month=month, metric=metric, count=count
                    )
                )
        elif row.count != count:
            row.count = count
            update.append(row)
    gone = [row.pk for pk, row in existing.items() if pk not in counts]
    InsightMonth.objects.bulk_create(create)
    InsightMonth.objects.bulk_update(update, ["count"])
    InsightMonth.objects.filter(pk__in=gone).delete()


def roll_up(month: datetime.date) -> None:
    """The month's flows as the sum of its days."""
    end = (month + datetime.timedelta(days=32)).replace(day=1)
    days = InsightDay.objects.filter(day__gte=month, day__lt=end)
    for metric in (*COUNTER_METRICS, *HISTORY_METRICS):
        sums = dict(
            days.filter(metric=metric)
            .values_list("innovation_id")
            .annotate(total=Sum("count"))
            .order_by()
        )
        _write_month(month, metric, sums)


def followers_now(month: datetime.date) -> None:
    counts = dict(
        Follow.objects.filter(innovation__isnull=False)
        .values_list("innovation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    _write_month(month, Metric.FOLLOWERS, counts)


def insight_flush(*, today: datetime.date | None = None) -> int:
    """Write the daily and monthly counts (see the module's docstring); prune the daily
    ones older than KEEP_DAYS. Returns how many daily rows changed."""
    today = today or timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    written = 0
    with transaction.atomic():
        final, _created = Watermark.objects.select_for_update().get_or_create(
            name=FINAL, defaults={"position": yesterday.toordinal() - 1}
        )
        days = [day for day in (yesterday, today) if day.toordinal() > final.position]
        for day in days:
            try:
                visits = counter_counts(day)
            except Exception as exc:  # noqa: BLE001 - Redis down: the counts wait
                logger.warning("insight counters not read for %s: %s", day, exc)
                if day == yesterday:
                    days = [today]  # try yesterday again next time
                visits = {}
            for metric, counts in visits.items():
                written += _write_day(day, metric, counts, only_up=True)
            for metric, counts in history_counts(day).items():
                written += _write_day(day, metric, counts, only_up=False)
        for month in sorted({month_start(day) for day in days}):
            roll_up(month)
        followers_now(month_start(today))
        if yesterday in days:
            final.position = yesterday.toordinal()
            final.save(update_fields=["position", "updated_at"])
        InsightDay.objects.filter(day__lt=today - datetime.timedelta(days=KEEP_DAYS)).delete()
    # Visitors of a day that is written for the last time are forgotten.
    try:
        counters().forget_before(today if yesterday in days else yesterday)
    except Exception as exc:  # noqa: BLE001 - Redis down: it expires them itself
        logger.warning("insight counters not pruned: %s", exc)
    return written
