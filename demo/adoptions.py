"""Step: municipalities record the innovations they use; reviewers verify the claims.

Every approved innovation gets adopters, drawn by size class (big cities adopt more),
by a seeded appetite per municipality, by country (Flemish suppliers sell more in
Flanders) and by how long the innovation has been in the catalogue. Each adoption is
claimed by the municipality's buyer some time after the innovation reached the
catalogue (early claims record use that started years before), then verified, or
rejected with a note (and sometimes corrected and verified after all). Its stages follow
pilot → implemented → scaled, or pilot → ended; a stage reached before the claim is
recorded with it, a later one is a change that a reviewer verifies again. Many adoptions
get an evaluation, failures included. Texts: data/adoptions.json.

Plans `demo.adoptions` (one dict per adoption) and `demo.municipalities` (code → row)."""

import datetime

from municipalities.models import Adoption, Municipality

from . import adoption_events as events
from .accounts import DEMO_BUYER_MUNICIPALITY, REVIEWERS

# Adopters drawn per size class, relative to the smallest class.
SIZE_WEIGHT = {"gte250k": 14.0, "100k-250k": 6.0, "50k-100k": 3.0, "20k-50k": 1.7, "lt20k": 1.0}
FRONT_RUNNER_WEIGHT = 3.0
SAME_COUNTRY_WEIGHT = {True: 1.0, False: 0.12}
MAX_ADOPTERS = 34
# Stage durations in days (low, high).
PILOT_TO_IMPLEMENTED = (90, 400)
IMPLEMENTED_TO_SCALED = (180, 600)
PILOT_TO_ENDED = (100, 420)
# A pilot older than this has moved on: implemented, scaled or ended.
LONGEST_PILOT_DAYS = 600
FINAL_STAGES = [("pilot", 20), ("implemented", 35), ("scaled", 27), ("ended", 18)]
REJECTED_SHARE = 0.05
EVALUATION_CHANCE = {"pilot": 0.25, "implemented": 0.45, "scaled": 0.6, "ended": 0.9}
GOALS = {
    "pilot": [("met", 5), ("partly", 5)],
    "implemented": [("met", 13), ("partly", 7)],
    "scaled": [("met", 9), ("partly", 1)],
    "ended": [("not", 6), ("partly", 4)],
}


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _municipalities(demo) -> list[dict]:
    rows = list(
        Municipality.objects.order_by("code").values(
            "code", "name", "slug", "country", "province", "population", "size_class"
        )
    )
    if demo.small:
        # A slice of every country and size class, Utrecht (the demo buyer's) included.
        keep = {DEMO_BUYER_MUNICIPALITY}
        for size_class in SIZE_WEIGHT:
            for country in ("NL", "BE"):
                same = [
                    r["code"]
                    for r in rows
                    if (r["size_class"], r["country"]) == (size_class, country)
                ]
                keep.update(same[:4])
        rows = [r for r in rows if r["code"] in keep]
    return rows


def _appetite(demo, row, front_runners) -> float:
    rng = demo.rng("appetite", row["code"])
    weight = SIZE_WEIGHT[row["size_class"]] * rng.lognormvariate(0, 0.6)
    if row["code"] in front_runners:
        weight *= FRONT_RUNNER_WEIGHT
    return weight


def _adopter_count(demo, innovation: dict) -> int:
    rng = demo.rng("adopters", innovation["title"])
    ready = innovation.get("route") == "market-ready" and (innovation.get("maturity") or 0) >= 8
    base = 7.0 if ready else 3.0
    days_listed = (demo.now - innovation["approved_at"]).days
    exposure = min(1.0, max(0.3, (days_listed / 540) ** 0.5))
    return max(1, min(MAX_ADOPTERS, round(base * exposure * rng.lognormvariate(0, 0.65))))


def _choose(rng, rows, weights, n) -> list[dict]:
    # Weighted sampling without replacement (Efraimidis–Spirakis): the n largest keys.
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [rows[i] for _key, i in keyed[:n]]


def _stage_path(demo, rng, started_on: datetime.date) -> list[tuple[str, datetime.date]]:
    """The stages this adoption reaches, with their dates (never after yesterday)."""
    final = _pick(rng, FINAL_STAGES)
    if final == "pilot" and (demo.today - started_on).days > LONGEST_PILOT_DAYS:
        final = _pick(rng, [f for f in FINAL_STAGES if f[0] != "pilot"])
    path = [("pilot", started_on)]
    day = started_on
    follow = {
        "implemented": [("implemented", PILOT_TO_IMPLEMENTED)],
        "scaled": [("implemented", PILOT_TO_IMPLEMENTED), ("scaled", IMPLEMENTED_TO_SCALED)],
        "ended": [("ended", PILOT_TO_ENDED)],
    }.get(final, [])
    for stage, (low, high) in follow:
        day = day + datetime.timedelta(days=rng.randint(low, high))
        if day >= demo.today - datetime.timedelta(days=3):
            break
        path.append((stage, day))
    return path


def _plan_one(demo, rng, texts, innovation, row) -> dict:
    approved_at = innovation["approved_at"]
    window = (demo.now - approved_at).total_seconds() - 3 * 86400
    record_at = approved_at + datetime.timedelta(
        days=rng.uniform(3, 10), seconds=max(0.0, window) * rng.random() ** 1.15
    )
    record_at = min(record_at, demo.days_ago(1, rng=rng))
    record_at = demo.office_hours(record_at, rng)
    if (record_at - approved_at).days < 90:
        # Among the first to claim: use that often started years before the portal.
        started_on = record_at.date() - datetime.timedelta(days=rng.randint(30, 1600))
    else:
        started_on = record_at.date() - datetime.timedelta(days=rng.randint(3, 150))
    path = _stage_path(demo, rng, started_on)
    decide_at = record_at + datetime.timedelta(days=rng.uniform(1, 14))
    decision = "reject" if rng.random() < REJECTED_SHARE else "verify"
    reviewer = rng.choice(
        ["beoordelaar-vlaanderen", "beoordelaar"] if row["country"] == "BE" else REVIEWERS
    )
    changes = []
    for stage, day in path[1:]:
        if day <= record_at.date():
            continue
        update_at = demo.office_hours(
            datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
            + datetime.timedelta(days=rng.uniform(1, 20)),
            rng,
        )
        changes.append(
            {
                "stage": stage,
                "since": day,
                "at": update_at,
                "verify_at": update_at + datetime.timedelta(days=rng.uniform(2, 12)),
                "text": texts.evidence(rng, stage, row["country"]),
            }
        )
    recorded = [(stage, day) for stage, day in path if day <= record_at.date()]
    final_stage, final_day = path[-1]
    evaluation = None
    age = (demo.today - started_on).days
    if decision == "verify" and (final_stage != "pilot" or age > 240):
        if rng.random() < EVALUATION_CHANCE[final_stage]:
            goals = _pick(rng, GOALS[final_stage])
            at = datetime.datetime.combine(final_day, datetime.time(10), tzinfo=datetime.UTC)
            at = max(at + datetime.timedelta(days=rng.uniform(30, 150)), decide_at)
            evaluation = {
                "at": demo.office_hours(at + datetime.timedelta(days=1), rng),
                "goals_met": goals,
                "lessons_learned": texts.lesson(rng, goals, innovation["domains"]),
                "would_recommend": goals == "met" or (goals == "partly" and rng.random() < 0.6),
            }
    return {
        "code": row["code"],
        "country": row["country"],
        "innovation": innovation["title"],
        "supplier": innovation["supplier"],
        "buyer": demo.buyer(row["code"], record_at),
        "reviewer": reviewer,
        "record_at": record_at,
        "started_on": started_on,
        "recorded": recorded,
        "evidence": texts.evidence(rng, recorded[-1][0], row["country"]),
        "reference": texts.reference(rng, row, started_on),
        "contact": texts.contact(rng, row),
        "decision": decision,
        "decide_at": decide_at,
        "note": (
            rng.choice(texts.rejections)
            if decision == "reject"
            else texts.verify_note(rng, row["country"])
        ),
        "correct_at": (
            decide_at + datetime.timedelta(days=rng.uniform(5, 30))
            if decision == "reject" and rng.random() < 0.5
            else None
        ),
        "correction_text": rng.choice(texts.corrections),
        "changes": changes,
        "evaluation": evaluation,
    }


def _demo_buyer_sees_every_state(demo, texts, plans) -> None:
    """The demo buyer (Utrecht) finds one claim waiting and one rejected on the dashboard:
    its two most recent claims."""
    own = sorted(
        (p for p in plans if p["code"] == DEMO_BUYER_MUNICIPALITY), key=lambda p: p["record_at"]
    )
    if len(own) < 3:
        return
    rejected, waiting = own[-2], own[-1]
    rejected.update(decision="reject", correct_at=None, changes=[], evaluation=None)
    rejected["note"] = texts.rejections[0]
    waiting.update(changes=[], evaluation=None)
    waiting["record_at"] = demo.days_ago(3, hour=10)
    waiting["decide_at"] = demo.now + datetime.timedelta(days=30)  # not yet


def plan(demo) -> None:
    texts = events.Texts(demo)
    demo.existing_adoptions = set(
        Adoption.objects.values_list(
            "municipality__code", "innovation__title", "innovation__supplier__name"
        )
    )
    rows = _municipalities(demo)
    demo.municipalities = {row["code"]: row for row in rows}
    front_runners = set(texts.front_runners)
    appetite = [_appetite(demo, row, front_runners) for row in rows]
    plans = []
    for innovation in demo.innovations:
        if innovation["approved_at"] is None:
            continue
        rng = demo.rng("adoptions", innovation["title"])
        home = demo.suppliers[innovation["supplier"]]["country"]
        weights = [
            w * SAME_COUNTRY_WEIGHT[row["country"] == home]
            for w, row in zip(appetite, rows, strict=True)
        ]
        n = _adopter_count(demo, innovation)
        if demo.small:
            n = min(n, 4)
        for row in _choose(rng, rows, weights, n):
            one_rng = demo.rng("adoption", innovation["title"], row["code"])
            plans.append(_plan_one(demo, one_rng, texts, innovation, row))
    _demo_buyer_sees_every_state(demo, texts, plans)
    for adoption in plans:
        events.schedule(demo, adoption)
    demo.adoptions = plans
