"""Step: suppliers write innovations and reviewers review them (data/innovations/*.json).

Each innovation has a `story`, the path it takes through the review workflow, made of
the workflow's own actions (innovations.workflow) by its supplier's member and by the
regional reviewers, spread over the months since its supplier joined:

- approved, approved_after_changes: in the catalogue (most of them);
- withdrawn: approved, later withdrawn by its supplier;
- revision_approved, revision_submitted: approved, later edited (a revision), the edit
  approved or waiting for review;
- changes_requested, rejected, in_review, submitted, draft: not (yet) in the catalogue.

Plans `demo.innovations`: one dict per innovation, with `approved_at` (None when it
never reaches the catalogue) for the steps that adopt them and answer challenges."""

import datetime
import json
from pathlib import Path

from innovations.enums import Status
from innovations.models import Innovation, Supplier
from innovations.services import innovation_create, innovation_update
from innovations.workflow import (
    APPROVE,
    CLAIM,
    REJECT,
    REQUEST_CHANGES,
    SUBMIT,
    WITHDRAW,
    innovation_transition,
    required_approvals,
)

from .accounts import REVIEWERS
from .runner import DATA_DIR

IN_CATALOGUE = {"approved", "approved_after_changes", "revision_approved", "revision_submitted"}
PENDING = {"changes_requested", "in_review", "submitted", "draft"}
CONTENT = (
    "summary",
    "description",
    "route",
    "maturity",
    "price_indication",
    "evidence",
    "references",
)

PRAISE = [
    "Goed onderbouwd, met bewijs uit de praktijk. Geschikt voor de catalogus.",
    "Heldere beschrijving en een overtuigende evaluatie. Akkoord.",
    "Sterke referenties en een realistische prijsindicatie. Van harte goedgekeurd.",
    "Vernieuwend en goed toepasbaar in kleine en grote gemeenten. Goedgekeurd.",
    "De effectmeting is degelijk; let bij opschaling op de privacytoets. Goedgekeurd.",
    "Past goed bij de opgaven van gemeenten en het bewijs is op orde.",
]
REVISION_PRAISE = "De wijziging is duidelijk en goed onderbouwd."
CHANGES = [
    "Voeg de resultaten van de pilot toe, met cijfers voor en na de invoering.",
    "De prijsindicatie is niet duidelijk: wat kost het voor een gemeente van 30.000 "
    "inwoners, inclusief beheer en onderhoud?",
    "Beschrijf hoe u met persoonsgegevens omgaat; is er een DPIA gedaan?",
    "Noem ten minste één gemeente of organisatie die de oplossing gebruikt als referentie.",
    "Licht toe hoe de oplossing aansluit op de systemen die gemeenten al gebruiken.",
]
REJECTIONS = [
    "Er ontbreekt onderbouwing van de werking, en vergelijkbare producten zijn al breed "
    "verkrijgbaar.",
    "Dit is een gangbaar product zonder vernieuwend element; de catalogus is bedoeld voor "
    "innovaties.",
    "De claims over besparing zijn niet onderbouwd en de technologie is nog niet getest "
    "buiten het laboratorium.",
]
ENDORSE_SCORES = {"novelty": (3, 5), "evidence": (3, 5), "public_value": (3, 5), "fit": (3, 5)}
DOUBT_SCORES = {"novelty": (2, 4), "evidence": (1, 3), "public_value": (2, 4), "fit": (2, 3)}
REJECT_SCORES = {"novelty": (1, 2), "evidence": (1, 2), "public_value": (1, 3), "fit": (1, 3)}

SMALL_PER_FILE = 2  # the small demo takes the first innovations of each data file
# When the catalogue grows: innovations in the catalogue are created between their
# supplier's joining and this many days ago.
LAST_CREATED_DAYS = 50


def load_specs(small: bool) -> list[dict]:
    specs = []
    for path in sorted(Path(DATA_DIR, "innovations").glob("*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        specs.extend(rows[:SMALL_PER_FILE] if small else rows)
    return specs


def _find(spec: dict) -> Innovation | None:
    """The innovation of `spec`: the row the last service call returned, else looked up."""
    if spec.get("row") is None:
        spec["row"] = Innovation.objects.filter(
            supplier__name=spec["supplier"], title=spec["title"], revision_of__isnull=True
        ).first()
    return spec["row"]


def _scores(rng, ranges) -> dict[str, int]:
    return {name: rng.randint(low, high) for name, (low, high) in ranges.items()}


def _create(demo, spec: dict, member: str) -> None:
    if (spec["supplier"], spec["title"]) in demo.existing_innovations:
        return  # created by an earlier run
    user = demo.user(member)
    spec["row"] = innovation_create(
        supplier=Supplier.objects.get(name=spec["supplier"]),
        user=user,
        title=spec["title"],
        domains=spec["domains"],
        contact_name=user.get_full_name(),
        contact_email=user.email,
        **{name: spec.get(name) or ("" if name != "maturity" else None) for name in CONTENT},
    )


def _act(demo, spec, action, username, *, expect, revision=False, **kwargs) -> None:
    """One workflow action, if the innovation (or its latest revision) is where this
    step of its story expects it; otherwise the step was done before."""
    innovation = _find(spec)
    if innovation is not None and revision:
        innovation = innovation.revisions.order_by("-id").first()
    if innovation is None or innovation.status != expect:
        return
    user = demo.user(username)
    if action == APPROVE:
        innovation = _approve(demo, innovation, user, kwargs)
    else:
        innovation = innovation_transition(
            innovation=innovation, user=user, action=action, **kwargs
        )
    if not revision:
        spec["row"] = innovation
    elif innovation.status == Status.APPROVED:
        spec["row"] = None  # its content was copied onto the original: look it up again


def _approve(demo, innovation, reviewer, kwargs) -> Innovation:
    """Approve with as many different reviewers as KOPLOPER_REQUIRED_APPROVALS asks."""
    others = [demo.user(name) for name in REVIEWERS if name != reviewer.username]
    order = [reviewer, *others]
    for index in range(required_approvals()):
        user = order[index % len(order)]
        if index:
            innovation = innovation_transition(innovation=innovation, user=user, action=CLAIM)
        innovation = innovation_transition(
            innovation=innovation, user=user, action=APPROVE, **kwargs
        )
        if innovation.status == Status.APPROVED:
            break
    return innovation


def _revise(demo, spec, member) -> None:
    innovation = _find(spec)
    if innovation is None or innovation.status != Status.APPROVED:
        return
    if innovation.revisions.exists():
        return
    innovation_update(innovation=innovation, user=demo.user(member), **spec["revision"])


def _story(demo, spec: dict, member: str, joined: datetime.datetime) -> list[tuple]:
    """The story's steps: (days after creation, action, who, expected status, extra)."""
    rng = demo.rng("innovation", spec["title"])
    story = spec.get("story", "approved")
    reviewer = spec.get("reviewer") or rng.choice(
        ["beoordelaar-vlaanderen", "beoordelaar"]
        if demo.suppliers[spec["supplier"]]["country"] == "BE"
        else REVIEWERS
    )
    praise = {"scores": _scores(rng, ENDORSE_SCORES), "feedback": rng.choice(PRAISE)}
    changes = {
        "scores": _scores(rng, DOUBT_SCORES),
        "feedback": spec.get("feedback") or rng.choice(CHANGES),
    }
    # When it was created: pending stories recently, the others spread since joining.
    if story in PENDING:
        created = demo.days_ago(rng.uniform(4, 45), rng=rng)
    elif "created_days_after_joining" in spec:
        # One of the first: approved long enough ago for its approval to have ended.
        created = joined + datetime.timedelta(days=spec["created_days_after_joining"])
    else:
        earliest = joined + datetime.timedelta(days=2)
        latest = demo.now - datetime.timedelta(days=LAST_CREATED_DAYS)
        span = max(0.0, (latest - earliest).total_seconds())
        created = earliest + datetime.timedelta(seconds=span * rng.random() ** 1.3)
    d = [0.0]

    def later(low, high):
        d[0] += rng.uniform(low, high)
        return d[0]

    S = Status
    steps = [(0.0, "create", member, None, {})]
    if story == "draft":
        return created, steps
    steps.append((later(1, 8), SUBMIT, member, S.DRAFT, {}))
    if story == "submitted":
        return created, steps
    steps.append((later(1, 6), CLAIM, reviewer, S.SUBMITTED, {}))
    if story == "in_review":
        return created, steps
    if story in ("changes_requested", "approved_after_changes", "revision_submitted"):
        steps.append((later(2, 9), REQUEST_CHANGES, reviewer, S.IN_REVIEW, changes))
        if story == "changes_requested":
            return created, steps
        steps.append((later(6, 30), SUBMIT, member, S.CHANGES_REQUESTED, {}))
        steps.append((later(1, 5), CLAIM, reviewer, S.SUBMITTED, {}))
    if story == "rejected":
        reject = {
            "scores": _scores(rng, REJECT_SCORES),
            "feedback": spec.get("feedback") or rng.choice(REJECTIONS),
        }
        steps.append((later(2, 9), REJECT, reviewer, S.IN_REVIEW, reject))
        return created, steps
    steps.append((later(2, 9), APPROVE, reviewer, S.IN_REVIEW, praise))
    if story == "withdrawn":
        steps.append((later(120, 300), WITHDRAW, member, S.APPROVED, {}))
    elif story in ("revision_approved", "revision_submitted"):
        # The edit comes late in the replay, so that a pending one is still pending.
        edit_at = max(later(60, 200), (demo.now - created).days - rng.uniform(10, 40))
        d[0] = edit_at
        steps.append((edit_at, "revise", member, S.APPROVED, {}))
        steps.append((later(0.01, 1), SUBMIT, member, S.DRAFT, {"revision": True}))
        if story == "revision_approved":
            steps.append((later(1, 4), CLAIM, reviewer, S.SUBMITTED, {"revision": True}))
            revision_praise = {**praise, "feedback": REVISION_PRAISE, "revision": True}
            steps.append((later(1, 4), APPROVE, reviewer, S.IN_REVIEW, revision_praise))
    return created, steps


def plan(demo) -> None:
    demo.existing_innovations = set(
        Innovation.objects.filter(revision_of__isnull=True).values_list("supplier__name", "title")
    )
    for spec in load_specs(demo.small):
        supplier = demo.suppliers.get(spec["supplier"])
        if supplier is None:
            continue  # the small demo leaves some suppliers out
        member = supplier["member"]
        created, steps = _story(demo, spec, member, supplier["joined"])
        approved_at = None
        for days, action, who, expect, extra in steps:
            at = created + datetime.timedelta(days=days)
            label = f"{action} {spec['title']}"
            if action == "create":
                demo.add(at, label, lambda s=spec, m=member: _create(demo, s, m))
            elif action == "revise":
                demo.add(at, label, lambda s=spec, m=member: _revise(demo, s, m))
            else:
                kwargs = dict(extra)
                revision = kwargs.pop("revision", False)
                if action == APPROVE and not revision:
                    approved_at = min(at, demo.now)
                demo.add(
                    at,
                    label,
                    lambda s=spec, a=action, w=who, e=expect, r=revision, k=kwargs: _act(
                        demo, s, a, w, expect=e, revision=r, **k
                    ),
                )
        story = spec.get("story", "approved")
        demo.innovations.append(
            {
                **spec,
                "story": story,
                "member": member,
                "approved_at": approved_at if story in IN_CATALOGUE else None,
            }
        )
