"""The events of one planned adoption (demo.adoptions), run through the adoption services,
and the texts they use (data/adoptions.json)."""

import datetime
import unicodedata

from innovations.models import Innovation
from municipalities.adoption_rules import STAGE_MOVES
from municipalities.adoptions import (
    adoption_record,
    adoption_update,
    adoption_verify,
    adoption_waiting_change,
)
from municipalities.enums import Verification
from municipalities.evaluations import evaluation_save
from municipalities.models import Adoption, Evaluation, Municipality

from .runner import Demo

STAGE_ORDER = {"pilot": 0, "implemented": 1, "scaled": 2, "ended": 2}


class Texts:
    """The hand-written parts that adoptions are made of."""

    def __init__(self, demo: Demo):
        data = demo.data("adoptions.json")
        self.front_runners = data["front_runners"]
        self.places = data["places"]
        self._evidence = data["evidence"]
        self._words = data["country_words"]
        self._lessons = data["lessons"]
        self._verify_notes = data["verify_notes"]
        self.rejections = data["rejections"]
        self.corrections = data["corrections"]
        self.first_names = data["first_names"]
        self.last_names = data["last_names"]

    def evidence(self, rng, stage: str, country: str) -> str:
        return rng.choice(self._evidence[stage]).format(
            plek=rng.choice(self.places), aantal=rng.randint(3, 40), **self._words[country]
        )

    def verify_note(self, rng, country: str) -> str:
        return rng.choice(self._verify_notes[country])

    def lesson(self, rng, goals: str, domains: list[str]) -> str:
        """A lesson that fits the innovation: untagged ones fit all, tagged ones only
        innovations of one of their domains."""
        fitting = [
            lesson if isinstance(lesson, str) else lesson["text"]
            for lesson in self._lessons[goals]
            if isinstance(lesson, str) or set(lesson["domains"]) & set(domains)
        ]
        return rng.choice(fitting)

    def reference(self, rng, row: dict, started_on: datetime.date) -> str:
        year = started_on.year
        if row["country"] == "BE":
            if rng.random() < 0.6:
                return f"e-Procurement {year}-{rng.randint(500000, 599999)}"
            return f"Bestek {year}/{rng.randint(10, 250):03d}"
        if rng.random() < 0.65:
            return f"TenderNed {rng.randint(300000, 459999)}"
        prefix = "".join(ch for ch in row["name"].upper() if ch.isalpha())[:3]
        return f"Contract {prefix}-{year}-{rng.randint(1, 999):04d}"

    def contact(self, rng, row: dict) -> tuple[str, str]:
        first, last = rng.choice(self.first_names), rng.choice(self.last_names)
        local = self.ascii(f"{first[0]}.{last}".replace(" ", "").replace("'", "")).lower()
        return f"{first} {last}", f"{local}@{row['slug']}.example"

    @staticmethod
    def ascii(text: str) -> str:
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _find(plan: dict) -> Adoption | None:
    """The adoption of `plan`: the row the last service call returned, else looked up."""
    if plan.get("row") is None:
        plan["row"] = _lookup(plan)
    return plan["row"]


def _lookup(plan: dict) -> Adoption | None:
    return (
        Adoption.objects.filter(
            municipality__code=plan["code"],
            innovation__title=plan["innovation"],
            innovation__supplier__name=plan["supplier"],
            innovation__revision_of__isnull=True,
        )
        .select_related("municipality", "innovation")
        .first()
    )


def record(demo: Demo, plan: dict) -> None:
    # A reviewer's decisions are only replayed for an adoption recorded in this run: a
    # claim that is waiting again (a later change) must not be taken for the first one.
    plan["fresh"] = False
    if (plan["code"], plan["innovation"], plan["supplier"]) in demo.existing_adoptions:
        return  # recorded by an earlier run
    buyer = demo.user(plan["buyer"])
    first_stage, first_day = plan["recorded"][0]
    contact_name, contact_email = plan["contact"]
    adoption = adoption_record(
        user=buyer,
        municipality=demo.cached(
            ("municipality", plan["code"]), lambda: Municipality.objects.get(code=plan["code"])
        ),
        innovation=demo.cached(
            ("innovation", plan["supplier"], plan["innovation"]),
            lambda: Innovation.objects.get(
                title=plan["innovation"], supplier__name=plan["supplier"], revision_of__isnull=True
            ),
        ),
        stage=first_stage,
        started_on=plan["started_on"],
        stage_since=first_day,
        evidence_reference=plan["reference"],
        evidence_description=plan["evidence"],
        contact_name=contact_name,
        contact_email=contact_email,
    )
    # The stages it went through before it was recorded, each with its own date.
    for stage, day in plan["recorded"][1:]:
        adoption = adoption_update(user=buyer, adoption=adoption, stage=stage, stage_since=day)
    plan["row"] = adoption
    plan["fresh"] = True


def decide(demo: Demo, plan: dict, decision: str, note: str) -> None:
    adoption = _find(plan)
    if not plan.get("fresh") or adoption is None:
        return
    # A new claim, or the claimed change of a verified adoption (DESIGN.md, Adoption changes).
    if adoption.verification != Verification.CLAIMED and adoption_waiting_change(adoption) is None:
        return
    plan["row"] = adoption_verify(
        user=demo.user(plan["reviewer"]), adoption=adoption, decision=decision, note=note
    )


def correct(demo: Demo, plan: dict, text: str) -> None:
    """The buyer answers a rejection with the right reference; it is claimed again."""
    adoption = _find(plan)
    if adoption is None or adoption.verification != Verification.REJECTED:
        return
    plan["row"] = adoption_update(
        user=demo.user(plan["buyer"]),
        adoption=adoption,
        evidence_reference=adoption.evidence_reference + " (gecorrigeerd)",
        evidence_description=f"{adoption.evidence_description}\n\n{text}",
    )


def change_stage(demo: Demo, plan: dict, change: dict) -> None:
    adoption = _find(plan)
    if adoption is None or STAGE_ORDER[adoption.stage] >= STAGE_ORDER[change["stage"]]:
        return
    if adoption.stage == "ended":
        return
    # A verified adoption moves forward one stage at a time (or ends), never back in time.
    if adoption.verification == Verification.VERIFIED and (
        change["stage"] not in STAGE_MOVES[adoption.stage] or change["since"] < adoption.stage_since
    ):
        return
    plan["row"] = adoption_update(
        user=demo.user(plan["buyer"]),
        adoption=adoption,
        stage=change["stage"],
        stage_since=change["since"],
        evidence_description=change["text"],
    )


def evaluate(demo: Demo, plan: dict, evaluation: dict) -> None:
    adoption = _find(plan)
    if adoption is None or Evaluation.objects.filter(adoption=adoption).exists():
        return
    evaluation_save(
        user=demo.user(plan["buyer"]),
        adoption=adoption,
        goals_met=evaluation["goals_met"],
        lessons_learned=evaluation["lessons_learned"],
        would_recommend=evaluation["would_recommend"],
    )


def schedule(demo: Demo, plan: dict) -> None:
    """Add the adoption's events to the demo: claim, decision, correction, stage changes
    and their verification, evaluation."""
    label = f"adoption {plan['code']} {plan['innovation']}"
    demo.add(plan["record_at"], label, lambda: record(demo, plan))
    if plan["decide_at"] < demo.now:
        demo.add(
            plan["decide_at"], label, lambda: decide(demo, plan, plan["decision"], plan["note"])
        )
    if plan["correct_at"] is not None and plan["correct_at"] < demo.now:
        demo.add(plan["correct_at"], label, lambda: correct(demo, plan, plan["correction_text"]))
        verify_at = plan["correct_at"] + datetime.timedelta(days=3)
        if verify_at < demo.now:
            demo.add(verify_at, label, lambda: decide(demo, plan, "verify", ""))
    for change in plan["changes"]:
        if change["at"] >= demo.now:
            continue
        demo.add(change["at"], label, lambda c=change: change_stage(demo, plan, c))
        if change["verify_at"] < demo.now:
            demo.add(change["verify_at"], label, lambda: decide(demo, plan, "verify", ""))
    evaluation = plan["evaluation"]
    if evaluation is not None and evaluation["at"] < demo.now:
        demo.add(evaluation["at"], label, lambda: evaluate(demo, plan, evaluation))
