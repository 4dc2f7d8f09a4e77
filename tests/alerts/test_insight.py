"""Supplier insight: what is counted, the privacy rules (no address or account kept, bots
left out, one view per visitor per day under a salt that changes daily, raw counts kept
90 days), the monthly figures, and who sees them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.enums import Metric
from alerts.insight import aggregate, counters, selectors
from alerts.models import Follow, InsightDay, InsightMonth
from municipalities.models import ShortlistItem
from tests.factories import ChallengeFactory, InnovationFactory, buyer_user, supplier_user

from .conftest import BROWSER_UA, adopt

pytestmark = pytest.mark.django_db


def _visit(url, *, address="192.0.2.1", agent=BROWSER_UA, client=None):
    client = client or Client()
    return client.get(url, REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def _month_figure(innovation, metric):
    row = InsightMonth.objects.filter(
        innovation=innovation, month=aggregate.month_start(timezone.localdate()), metric=metric
    ).first()
    return row.count if row else 0


def test_a_visitor_counts_once_a_day_and_bots_not_at_all(innovation):
    page = reverse("innovations:detail", args=[innovation.slug])
    _visit(page)
    _visit(page)  # the same visitor again
    _visit(page, address="192.0.2.2")
    _visit(page, agent="Mozilla/5.0 (compatible; Googlebot/2.1)")
    _visit(page, agent="")
    Client().get(
        page, REMOTE_ADDR="192.0.2.3", HTTP_USER_AGENT=BROWSER_UA, HTTP_SEC_PURPOSE="prefetch"
    )
    _visit(reverse("innovations:detail", args=["bestaat-niet"]))  # 404: not a view

    aggregate.insight_flush()

    assert list(InsightDay.objects.values_list("metric", "count")) == [("views", 2)]
    assert _month_figure(innovation, Metric.VIEWS) == 2


def test_counting_writes_nothing_to_the_database(innovation, django_assert_max_num_queries):
    page = reverse("innovations:detail", args=[innovation.slug])
    _visit(page)
    with django_assert_max_num_queries(20) as context:
        _visit(page, address="192.0.2.9")

    writes = [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SELECT")]
    assert writes == []


def test_no_address_or_account_is_kept_only_a_daily_hash(innovation, buyer):
    client = Client()
    client.force_login(buyer)
    _visit(
        reverse("innovations:detail", args=[innovation.slug]), client=client, address="203.0.113.7"
    )
    store = counters.counters()
    day = timezone.localdate()

    aggregate.insight_flush()

    kept = repr(store._seen) if hasattr(store, "_seen") else ""
    assert "203.0.113.7" not in kept and buyer.username not in kept
    for row in InsightDay.objects.values():
        assert set(row) == {"id", "innovation_id", "day", "metric", "count"}
    # The hash changes with the day's salt: tomorrow the same visitor is another hash.
    today = counters.visitor_hash(store.salt(day), "203.0.113.7", BROWSER_UA)
    tomorrow = counters.visitor_hash(
        store.salt(day + datetime.timedelta(days=1)), "203.0.113.7", BROWSER_UA
    )
    assert today != tomorrow and len(today) == 32


def test_yesterdays_visitors_are_forgotten_after_the_flush(innovation):
    store = counters.counters()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    store.record(yesterday, "views", [innovation.slug], "abc")

    aggregate.insight_flush()

    assert InsightDay.objects.get(day=yesterday).count == 1
    assert store.counts(yesterday) == {}


def test_comparisons_and_challenge_suggestions_are_counted(buyer, supplier, municipality):
    first = InnovationFactory(supplier=supplier, title="Zonnepanelen op daken", domains=["energy"])
    second = InnovationFactory(supplier=supplier, title="Warmtepompen", domains=["energy"])
    client = Client()
    client.force_login(buyer)
    for innovation in (first, second):
        ShortlistItem.objects.create(user=buyer, innovation=innovation)
    compare = (
        reverse("municipalities:compare") + f"?innovation={first.slug}&innovation={second.slug}"
    )
    _visit(compare, client=client)
    challenge = ChallengeFactory(title="Zonnepanelen voor scholen", domain="energy")
    _visit(reverse("municipalities:challenge_detail", args=[challenge.pk]))
    _visit(reverse("municipalities:challenge_detail", args=[challenge.pk]), address="192.0.2.8")

    aggregate.insight_flush()

    assert _month_figure(first, Metric.COMPARISONS) == 1
    assert _month_figure(first, Metric.SUGGESTIONS) == 2
    assert _month_figure(first, Metric.SHORTLISTS) == 1


def test_claims_verifications_and_followers_are_counted(innovation, reviewer, municipality, buyer):
    adopt(innovation, municipality, reviewer)
    Follow.objects.create(user=buyer, innovation=innovation)

    aggregate.insight_flush()

    assert [
        _month_figure(innovation, metric)
        for metric in (Metric.CLAIMS, Metric.VERIFICATIONS, Metric.FOLLOWERS)
    ] == [1, 1, 1]


def test_a_flush_twice_writes_the_same_figures(innovation):
    _visit(reverse("innovations:detail", args=[innovation.slug]))
    aggregate.insight_flush()
    first = list(InsightMonth.objects.values_list("metric", "count"))

    aggregate.insight_flush()

    assert list(InsightMonth.objects.values_list("metric", "count")) == first == [("views", 1)]


def test_raw_counts_go_after_90_days_and_months_stay(innovation):
    today = timezone.localdate()
    old = today - datetime.timedelta(days=91)
    InsightDay.objects.create(innovation=innovation, day=old, metric="views", count=7)
    InsightMonth.objects.create(
        innovation=innovation, month=aggregate.month_start(old), metric="views", count=7
    )
    kept = InsightDay.objects.create(
        innovation=innovation, day=today - datetime.timedelta(days=89), metric="views", count=3
    )

    aggregate.insight_flush()

    assert list(InsightDay.objects.values_list("pk", flat=True)) == [kept.pk]
    assert InsightMonth.objects.get(month=aggregate.month_start(old)).count == 7


def test_counting_survives_redis_being_down(innovation, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    counters._redis.clear()

    response = _visit(reverse("innovations:detail", args=[innovation.slug]))

    assert response.status_code == 200
    assert counters.counters()._down_until > 0  # lost the count, paused counting
    counters._redis.clear()


def test_the_supplier_sees_chart_table_and_csv_of_their_innovation(
    client, supplier_member, innovation
):
    InsightDay.objects.create(
        innovation=innovation, day=timezone.localdate(), metric="views", count=42
    )
    aggregate.insight_flush()
    client.force_login(supplier_member)

    page = client.get(reverse("alerts:insight_detail", args=[innovation.pk])).content.decode()
    csv = client.get(reverse("alerts:insight_csv", args=[innovation.pk])).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    assert '<svg class="koploper-chart"' in page and "<table" in page
    assert "No page views in the last 12 months yet" not in page
    overview = client.get(reverse("alerts:insight")).content.decode()
    assert f'href="{reverse("alerts:insight_csv_all")}"' in overview
    month = timezone.localdate().strftime("%Y-%m")
    assert f"slimme-lantaarnpalen,{month},42,0,0,0,0,0,0" in csv.splitlines()
    assert csv.splitlines()[0] == "innovation,month," + ",".join(Metric.values)
    assert "dashboard-insight-chart" in dashboard


def test_a_supplier_sees_only_their_own_insight(client, innovation, supplier):
    other = supplier_user()
    client.force_login(other)

    assert client.get(reverse("alerts:insight_detail", args=[innovation.pk])).status_code == 404
    assert client.get(reverse("alerts:insight_csv", args=[innovation.pk])).status_code == 404
    assert innovation.title not in client.get(reverse("alerts:insight")).content.decode()
    client.force_login(buyer_user())
    assert client.get(reverse("alerts:insight")).status_code == 403


def test_insight_overview_query_count(
    client, supplier_member, supplier, django_assert_max_num_queries
):
    client.force_login(supplier_member)
    InnovationFactory(supplier=supplier)
    client.get(reverse("alerts:insight"))  # flushes the counters (at most once a minute)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("alerts:insight"))
    for _ in range(5):
        InnovationFactory(supplier=supplier)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("alerts:insight"))


def test_the_chart_scale_is_round():
    rows = [{"month": datetime.date(2025, m, 1), "views": v} for m, v in ((1, 0), (2, 37))]

    chart = selectors.bar_chart(rows)

    assert [tick for _y, tick in chart.y_ticks] == [0, 25, 50]
    assert [bar.value for bar in chart.bars] == [0, 37]


def test_an_empty_chart_says_so(client, supplier_member, innovation):
    client.force_login(supplier_member)

    page = client.get(reverse("alerts:insight_detail", args=[innovation.pk])).content.decode()

    assert "No page views in the last 12 months yet" in page
