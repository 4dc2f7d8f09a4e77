"""Step: alerts (saved searches, follows, notifications, supplier insight), live since
ALERTS_AGE before today.

After the launch, buyers follow innovations that other municipalities are taking up and
save catalogue searches (data/alerts.json); suppliers follow open challenges in their
domains, and some ask to hear of new ones. The alerts app's periodic jobs then run on
their beat schedule (alerts.tasks): every morning the saved-search digests and the
notification mails (after collecting notifications from the audit log), every evening
the supplier insight counts. So the notification lists, digests in the outbox and the
insight pages hold what that use would have left."""

import datetime

from django.utils import timezone

from alerts import collect as collector
from alerts import mails
from alerts.enums import Channel, Kind
from alerts.follows import follow_challenge, follow_innovation
from alerts.insight.aggregate import insight_flush
from alerts.insight.counters import count_visit
from alerts.models import Follow, SavedSearch
from alerts.notifications import alert_settings_update
from alerts.searches import canonical_query, saved_search_create
from innovations.models import Innovation
from municipalities.enums import ChallengeStatus
from municipalities.models import Challenge

from .accounts import DEMO_BUYER_MUNICIPALITY

ALERTS_AGE = datetime.timedelta(days=35)
SMALL_ALERTS_AGE = datetime.timedelta(days=10)
FOLLOWING_BUYERS = 24  # besides the demo buyer
DEMO_BUYER_FOLLOWS = 5
CHALLENGE_FOLLOWERS = 12
NEW_CHALLENGE_OPT_INS = 8
# A visitor's browser; the address is one of the documentation range (RFC 5737).
VISITOR_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
# Visitors of one innovation's page on one day, drawn from these.
DAILY_VISITORS = (0, 0, 0, 1, 1, 2, 3, 5)


def _follow_innovation(demo, username: str, title: str, supplier: str) -> None:
    user = demo.user(username)
    innovation = Innovation.objects.approved().filter(title=title, supplier__name=supplier).first()
    if innovation is None or Follow.objects.filter(user=user, innovation=innovation).exists():
        return
    follow_innovation(user=user, innovation=innovation)


def _follow_challenge(demo, username: str, code: str, title: str) -> None:
    user = demo.user(username)
    challenge = Challenge.objects.filter(municipality__code=code, title=title).first()
    if challenge is None or Follow.objects.filter(user=user, challenge=challenge).exists():
        return
    follow_challenge(user=user, challenge=challenge)


def _save_search(demo, username: str, spec: dict) -> None:
    user = demo.user(username)
    if SavedSearch.objects.filter(user=user, query=canonical_query(spec["query"])).exists():
        return
    saved_search_create(
        user=user, query=spec["query"], name=spec["name"], frequency=spec["frequency"]
    )


def _hear_of_new_challenges(demo, username: str) -> None:
    alert_settings_update(user=demo.user(username), channels={Kind.NEW_CHALLENGE: Channel.MAIL})


def _morning() -> None:
    """The beat's 07:00 and 07:30 jobs: digests, then collect and the notification mails."""
    mails.digests_make()
    collector.collect()
    mails.notification_mails_make()


def _activity_after(demo, since: datetime.datetime) -> dict[str, int]:
    """Per innovation title: planned claims, decisions and changes after `since` (what
    a follower will hear of)."""
    counts: dict[str, int] = {}
    for adoption in demo.adoptions:
        moments = [adoption["record_at"], adoption["decide_at"]]
        moments += [change["at"] for change in adoption["changes"]]
        n = sum(1 for moment in moments if since < moment < demo.now)
        if n:
            counts[adoption["innovation"]] = counts.get(adoption["innovation"], 0) + n
    return counts


def _plan_follows(demo, launch: datetime.datetime) -> None:
    rng = demo.rng("alerts", "follows")
    active = _activity_after(demo, launch)
    listed = {
        i["title"]: i
        for i in demo.innovations
        if i["approved_at"] is not None and i["approved_at"] < launch
    }
    used_by: dict[str, set[str]] = {}
    for adoption in demo.adoptions:
        used_by.setdefault(adoption["code"], set()).add(adoption["innovation"])
    ready = sorted(code for code, needed in demo.buyers_needed.items() if needed < launch)
    others = [code for code in ready if code != DEMO_BUYER_MUNICIPALITY]
    followers = [(DEMO_BUYER_MUNICIPALITY, DEMO_BUYER_FOLLOWS)] + [
        (code, rng.randint(1, 3)) for code in rng.sample(others, min(FOLLOWING_BUYERS, len(others)))
    ]
    for code, n in followers:
        if code not in demo.buyers_needed:
            continue
        candidates = sorted(
            (title for title in active if title in listed and title not in used_by.get(code, ())),
            key=lambda title: (-active[title], title),
        )[: n * 4]
        for title in rng.sample(candidates, min(n, len(candidates))):
            at = demo.office_hours(launch + datetime.timedelta(days=rng.uniform(1, 20)), rng)
            username = demo.buyer(code, at)
            supplier = listed[title]["supplier"]
            demo.add(
                at,
                f"follow {title}",
                lambda u=username, t=title, s=supplier: _follow_innovation(demo, u, t, s),
            )


def _plan_supplier_alerts(demo, launch: datetime.datetime) -> None:
    rng = demo.rng("alerts", "suppliers")
    specs = [
        s
        for s in demo.data("challenges.json")["challenges"]
        if s["municipality"] in demo.municipalities and not s.get("closed")
    ]
    members = sorted(
        {(i["member"], tuple(i["domains"])) for i in demo.innovations if i["approved_at"]}
    )
    rng.shuffle(members)
    following = 0
    for member, domains in members:
        fitting = [s for s in specs if s["domain"] in domains]
        if not fitting or following >= CHALLENGE_FOLLOWERS:
            break
        spec = rng.choice(fitting)
        posted = demo.now - datetime.timedelta(days=spec["posted_days_ago"])
        at = demo.office_hours(
            max(posted, launch) + datetime.timedelta(days=rng.uniform(1, 5)), rng
        )
        demo.add(
            at,
            f"follow challenge {spec['title']}",
            lambda u=member, s=spec: _follow_challenge(demo, u, s["municipality"], s["title"]),
        )
        following += 1
    for member, _domains in members[:NEW_CHALLENGE_OPT_INS]:
        at = demo.office_hours(launch + datetime.timedelta(days=rng.uniform(1, 10)), rng)
        demo.add(at, f"alert settings {member}", lambda u=member: _hear_of_new_challenges(demo, u))


def _plan_searches(demo, launch: datetime.datetime) -> None:
    rng = demo.rng("alerts", "searches")
    for spec in demo.data("alerts.json")["saved_searches"]:
        if spec["buyer"] not in demo.municipalities:
            continue
        at = demo.office_hours(launch + datetime.timedelta(days=rng.uniform(1, 25)), rng)
        username = demo.buyer(spec["buyer"], at)
        demo.add(
            at, f"saved search {spec['name']}", lambda u=username, s=spec: _save_search(demo, u, s)
        )


def _visits(demo, day: datetime.date) -> None:
    """One day's visits of innovation pages, comparisons and challenge pages, counted as
    the page middleware counts them (once per visitor per day, nothing about them kept)."""
    rng = demo.rng("alerts", "visits", day.isoformat())

    def visit(metric: str, keys: list[str]) -> None:
        address = f"198.51.100.{rng.randint(1, 254)}"
        count_visit(metric, keys, address=address, user_agent=VISITOR_AGENT)

    slugs = list(Innovation.objects.approved().order_by("pk").values_list("slug", flat=True))
    for slug in slugs:
        for _ in range(rng.choice(DAILY_VISITORS)):
            visit("views", [slug])
    for _ in range(rng.randint(0, 3) if len(slugs) > 1 else 0):
        visit("comparisons", rng.sample(slugs, 2))
    challenges = list(
        Challenge.objects.filter(status=ChallengeStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in rng.sample(challenges, min(2, len(challenges))):
        for _ in range(rng.randint(1, 4)):
            visit("challenge_views", [str(pk)])


def plan(demo) -> None:
    launch = demo.now - (SMALL_ALERTS_AGE if demo.small else ALERTS_AGE)
    _plan_follows(demo, launch)
    _plan_supplier_alerts(demo, launch)
    _plan_searches(demo, launch)
    # The beat schedule (portal/settings.py): digests 07:00, notification mails 07:30,
    # insight through the day (here once, late in the evening).
    day = timezone.localdate(launch)
    while day <= demo.today:
        morning = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 30)))
        evening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 50)))
        if morning < demo.now:
            demo.periodic(morning, "alerts morning jobs", _morning)
        visits = min(evening - datetime.timedelta(minutes=10), demo.now)
        demo.periodic(visits, "alerts visits", lambda d=day: _visits(demo, d))
        demo.periodic(
            min(evening, demo.now), "alerts insight", lambda d=day: insight_flush(today=d)
        )
        day += datetime.timedelta(days=1)
