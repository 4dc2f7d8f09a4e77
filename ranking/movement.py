"""Why did I move: a municipality's adoptions that were added, changed stage or aged since
the previous board, each with its effect in points.

The run stores the board, not each adoption's points, so both boards' points are computed
again with formula v1 (ranking.formula): today's on the current board's date and
parameters, the earlier ones on the previous board's. An adoption is

- added: it started after the previous board's date, or was verified after that board was
  published;
- changed stage: it started before the previous board's date but reached its current stage
  after it; its earlier stage and date come from its stage history;
- aged: the same as on the previous board; only the recency decay changed its points.

What these do not explain (an adoption no longer counted, a change in the order among an
innovation's adopters) is the rest: the change of the score minus their effects."""

from dataclasses import dataclass, field
from decimal import Decimal

from municipalities.enums import Stage, Verification
from municipalities.models import AdoptionStageChange, Municipality

from .models import MICRO, RankingEntry, RankingRun, from_micro
from .selectors import Contribution, points_by_adoption

ADDED, CHANGED, AGED = "added", "changed", "aged"
# The smallest effect the page shows (it rounds to hundredths of a point).
SHOWN = MICRO // 200


@dataclass
class Change:
    kind: str  # ADDED, CHANGED or AGED
    contribution: Contribution  # as on the current board
    before_micro: int
    stage_before: str = ""

    @property
    def effect(self) -> Decimal:
        return from_micro(self.contribution.points_micro - self.before_micro)

    @property
    def before(self) -> Decimal:
        return from_micro(self.before_micro)

    @property
    def stage_before_label(self) -> str:
        return str(Stage(self.stage_before).label) if self.stage_before else ""


@dataclass
class Movement:
    previous_run: RankingRun
    previous_entry: RankingEntry | None
    changes: list[Change] = field(default_factory=list)
    rest_micro: int = 0
    # Beyond the first `limit` changes (most recent kinds and largest effects first), and
    # ageing too small to show (under half a hundredth of a point): how many more, and
    # their effect together.
    more_count: int = 0
    more_micro: int = 0

    @property
    def more(self) -> Decimal:
        return from_micro(self.more_micro)

    @property
    def rest(self) -> Decimal:
        return from_micro(self.rest_micro)

    @property
    def has_rest(self) -> bool:
        """Worth a line: at least half a hundredth of a point (what the page shows)."""
        return abs(self.rest_micro) >= SHOWN


def _points_micro(*, parameters: dict, stage: str, order: int, since, reference) -> int:
    """Formula v1 for one adoption (as ranking.formula computes it in SQL)."""
    stage_factor = float(parameters["stage_factors"][stage])
    if order == 1:
        order_factor = parameters["launching_customer_factor"]
    elif order <= parameters["early_adopter_last_position"]:
        order_factor = parameters["early_adopter_factor"]
    else:
        order_factor = parameters["later_adopter_factor"]
    age = max((reference - since).days, 0)
    half_life_days = parameters["days_per_year"] * parameters["recency_half_life_years"]
    return round(stage_factor * order_factor * 0.5 ** (age / half_life_days) * MICRO)


def _stage_before(changes: list[AdoptionStageChange], contribution: Contribution, date):
    """The adoption's stage and its date on `date`, from its stage history."""
    earlier = [c for c in changes if c.stage_since <= date]
    if earlier:
        return earlier[-1].to_stage, earlier[-1].stage_since
    later = [c for c in changes if c.stage_since > date]
    stage = later[0].from_stage if later and later[0].from_stage else contribution.stage
    return stage, contribution.started_on


def movement(
    run: RankingRun,
    municipality: Municipality,
    entry: RankingEntry | None,
    now: list[Contribution],
    limit: int = 50,
) -> Movement | None:
    """The changes behind `municipality`'s move from the previous board to `run` (`now`:
    its contributions on `run`, as the scorecard has them). None without a previous board.
    Three queries: the previous entry, the adoptions' verification times and stage history,
    and the points on the previous board."""
    previous = run.previous_run
    if previous is None:
        return None
    previous_entry = RankingEntry.objects.filter(run=previous, municipality=municipality).first()
    result = Movement(previous_run=previous, previous_entry=previous_entry)
    before = points_by_adoption(previous, municipality)
    # By municipality, not by a list of thousands of adoption ids (a large municipality's
    # list made each of these statements take hundreds of milliseconds to plan and send);
    # the adoptions counted (`now`) are verified ones of this municipality.
    history: dict[int, list[AdoptionStageChange]] = {}
    for change in AdoptionStageChange.objects.filter(adoption__municipality=municipality).order_by(
        "created_at", "id"
    ):
        history.setdefault(change.adoption_id, []).append(change)
    published = previous.finished_at
    verified = dict(
        municipality.adoptions.filter(verification=Verification.VERIFIED)
        .values_list("pk", "verified_at")
        .order_by()
    )
    for c in now:
        then = before.get(c.adoption_id)
        verified_at = verified.get(c.adoption_id)
        newly_verified = (
            published is not None and verified_at is not None and verified_at > published
        )
        if c.started_on > previous.reference_date or (
            newly_verified and c.stage_since <= previous.reference_date
        ):
            result.changes.append(Change(ADDED, c, 0))
        elif c.stage_since > previous.reference_date:
            stage, since = _stage_before(history.get(c.adoption_id, []), c, previous.reference_date)
            points = _points_micro(
                parameters=previous.parameters,
                stage=stage,
                order=c.adopter_order,
                since=since,
                reference=previous.reference_date,
            )
            result.changes.append(Change(CHANGED, c, points, stage_before=stage))
        elif then is not None and then != c.points_micro:
            result.changes.append(Change(AGED, c, then))
    score_now = entry.score_micro if entry else 0
    score_before = previous_entry.score_micro if previous_entry else 0
    explained = sum(c.contribution.points_micro - c.before_micro for c in result.changes)
    result.rest_micro = score_now - score_before - explained
    order = {ADDED: 0, CHANGED: 1, AGED: 2}
    result.changes.sort(
        key=lambda c: (order[c.kind], -abs(c.contribution.points_micro - c.before_micro))
    )
    # Ageing that the page would show as 0.00 is not listed: it is counted in `more`.
    listed = [c for c in result.changes if c.kind != AGED or abs(_effect_micro(c)) >= SHOWN]
    shown = {id(c) for c in listed[:limit]}
    hidden = [c for c in result.changes if id(c) not in shown]
    result.changes = listed[:limit]
    result.more_count = len(hidden)
    result.more_micro = sum(_effect_micro(c) for c in hidden)
    return result


def _effect_micro(change: Change) -> int:
    return change.contribution.points_micro - change.before_micro
