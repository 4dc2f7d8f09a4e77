"""Step: pilots that scale (data/pilots.json).

Buyers write a scale-up plan for some of their pilots a few days after recording them:
goal, success criteria, a decision date about a year after the start, and what scaling
would take. The demo buyer (Utrecht) has a pilot whose decision date has passed, so the
dashboard lists it as due for a decision; the daily reminder job ran this morning."""

import datetime

from django.utils import timezone

from municipalities.models import Adoption
from procurement.models import ProcurementRoute, ScaleUpPlan
from procurement.scaleup import pilot_reminders_send, scale_up_plan_save

from .accounts import DEMO_BUYER_MUNICIPALITY

PLAN_SHARE = 0.35  # of the other municipalities' pilots


def _stays_pilot(plan: dict) -> bool:
    return plan["recorded"][-1][0] == "pilot" and not plan["changes"]


def _write(demo, plan: dict, spec: dict, decision_on: datetime.date) -> None:
    adoption = (
        Adoption.objects.select_related("municipality")
        .filter(
            municipality__code=plan["code"],
            innovation__title=plan["innovation"],
            innovation__supplier__name=plan["supplier"],
        )
        .first()
    )
    if adoption is None or adoption.stage != "pilot":
        return
    if ScaleUpPlan.objects.filter(adoption=adoption).exists():
        return  # written by an earlier run
    scale_up_plan_save(
        user=demo.user(plan["buyer"]),
        adoption=adoption,
        goal=spec["goal"],
        success_criteria=spec["success_criteria"],
        decision_on=max(decision_on, adoption.started_on),
        budget=spec["budget"],
        route=ProcurementRoute.objects.filter(code=spec["route"]).first(),
        partners=spec["partners"],
    )


def plan(demo) -> None:
    specs = demo.data("pilots.json")["plans"]
    rng = demo.rng("pilots")
    pilots = [
        p
        for p in demo.adoptions
        if _stays_pilot(p) and (p["decision"] == "verify" or p["code"] == DEMO_BUYER_MUNICIPALITY)
    ]
    own = [p for p in pilots if p["code"] == DEMO_BUYER_MUNICIPALITY]
    chosen = []
    if own:
        # Due for a decision: its date passed a week ago (or at its start, if younger).
        first = min(own, key=lambda p: p["started_on"])
        chosen.append((first, demo.today - datetime.timedelta(days=7)))
    for p in pilots:
        if p in (c[0] for c in chosen) or rng.random() >= PLAN_SHARE:
            continue
        chosen.append((p, p["started_on"] + datetime.timedelta(days=rng.randint(270, 540))))
    for index, (p, decision_on) in enumerate(chosen):
        spec = specs[index % len(specs)]
        at = demo.office_hours(p["record_at"] + datetime.timedelta(days=rng.uniform(2, 20)), rng)
        demo.add(
            at,
            f"scale-up plan {p['code']} {p['innovation']}",
            lambda p=p, s=spec, d=decision_on: _write(demo, p, s, d),
        )
    # The daily beat job, after the plans above.
    at = demo.now - datetime.timedelta(minutes=2)
    today = timezone.localdate(at)
    demo.periodic(at, "pilot reminders", lambda: pilot_reminders_send(today=today))
