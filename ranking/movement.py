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

from municipalities.enums import Stage
from municipalities.models import AdoptionStageChange, Municipality

from .models import MICRO, RankingEntry, RankingRun, from_micro
from .movement_rows import ADDED, AGED, CHANGED, movement_rows
from .selectors import Contribution

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
    run: RankingRun, municipality: Municipality, entry: RankingEntry | None, limit: int = 50
) -> Movement | None:
    """The changes behind `municipality`'s move from the previous board to `run`. None
    without a previous board.

    Both boards' points are joined per adoption in SQL (movement_rows.movement_rows), which
    hands over only the changes that can be listed, with the number and effect of all of
    them per kind: a large municipality has thousands of adoptions, nearly all of them
    aged, and an object for each cost most of the scorecard's time (docs/performance.md).
    The adoptions that changed stage are all handed over; their points then come from
    their stage history, read for them only. Three queries, four with a stage change: the
    previous entry, the changes, the stage history."""
    previous = run.previous_run
    if previous is None:
        return None
    previous_entry = RankingEntry.objects.filter(run=previous, municipality=municipality).first()
    result = Movement(previous_run=previous, previous_entry=previous_entry)
    found = movement_rows(run, previous, municipality, limit=limit, shown_micro=SHOWN)
    changed = [row.contribution for row in found.rows if row.kind == CHANGED]
    history: dict[int, list[AdoptionStageChange]] = {}
    if changed:
        for change in AdoptionStageChange.objects.filter(
            adoption_id__in=[c.adoption_id for c in changed]
        ).order_by("created_at", "id"):
            history.setdefault(change.adoption_id, []).append(change)
    listed: dict[str, list[Change]] = {ADDED: [], CHANGED: [], AGED: []}
    for row in found.rows:
        c = row.contribution
        if row.kind == CHANGED:
            stage, since = _stage_before(history.get(c.adoption_id, []), c, previous.reference_date)
            points = _points_micro(
                parameters=previous.parameters,
                stage=stage,
                order=c.adopter_order,
                since=since,
                reference=previous.reference_date,
            )
            listed[CHANGED].append(Change(CHANGED, c, points, stage_before=stage))
        elif row.listed:
            listed[row.kind].append(Change(row.kind, c, row.before_micro))
    # The rows of a kind come in the contributions' order; the effect decides (a stable sort
    # keeps that order among equal effects, as SQL ordered the other kinds).
    listed[CHANGED].sort(key=lambda c: -abs(_effect_micro(c)))
    count = found.counts[ADDED] + len(listed[CHANGED]) + found.counts[AGED]
    explained = (
        found.effects[ADDED] + sum(_effect_micro(c) for c in listed[CHANGED]) + found.effects[AGED]
    )
    result.changes = (listed[ADDED] + listed[CHANGED] + listed[AGED])[:limit]
    score_now = entry.score_micro if entry else 0
    score_before = previous_entry.score_micro if previous_entry else 0
    result.rest_micro = score_now - score_before - explained
    result.more_count = count - len(result.changes)
    result.more_micro = explained - sum(_effect_micro(c) for c in result.changes)
    return result


def _effect_micro(change: Change) -> int:
    return change.contribution.points_micro - change.before_micro
