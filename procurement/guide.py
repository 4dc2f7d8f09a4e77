"""The route guide: from a buyer's five answers to one or two recommended procurement
routes, each with its reasons and next steps.

Everything it weighs is data: each route says when it fits (maturity, whether the
solution is on the market, co-development, value band, countries), and the value bands
come from the thresholds in force on the day (Threshold rows). A route is left out when
the country, the market answer or the value band rule it out; among the rest, the
maturity and co-development answers add or take a point, ties go to the route's order.
The best route is recommended, and the next one too when it scores at most one point
less."""

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .enums import VALUE_BAND_ORDER, CoDevelopment, OnMarket, ValueBand
from .models import ProcurementRoute, Threshold

EU_THRESHOLD = "eu-supplies-services"
MAX_VALUE = 10_000_000_000  # ten billion euros: above any municipal purchase
MATURITY_LEVELS = range(1, 10)


def small_purchase_code(country: str) -> str:
    return f"{country.lower()}-small-purchase"


@dataclass(frozen=True)
class Answers:
    value: int  # estimated value over the whole term, euros excluding VAT
    on_market: str  # OnMarket
    maturity: int  # TRL 1–9
    co_development: bool
    country: str  # NL or BE


@dataclass
class Recommendation:
    route: ProcurementRoute
    score: int
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)


@dataclass
class GuideResult:
    answers: Answers
    on: datetime.date
    band: str | None
    thresholds: list[Threshold]
    recommendations: list[Recommendation]
    others: list[tuple[ProcurementRoute, str]]


def euros(amount: int) -> str:
    return "€ " + formats.number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)


def value_band(value: int, small: Threshold | None, eu: Threshold | None) -> str | None:
    if eu is None:
        return None  # thresholds not loaded: the value rules nothing out
    if small is not None and value < small.amount:
        return ValueBand.SMALL
    return ValueBand.BELOW_EU if value < eu.amount else ValueBand.ABOVE_EU


def recommend(answers: Answers, *, on: datetime.date | None = None) -> GuideResult:
    """The recommendation for `answers` with the thresholds in force on `on` (today)."""
    on = on or timezone.localdate()
    eu = Threshold.objects.in_force(EU_THRESHOLD, on)
    small = Threshold.objects.in_force(small_purchase_code(answers.country), on)
    band = value_band(answers.value, small, eu)
    candidates, others = [], []
    for route in ProcurementRoute.objects.active().prefetch_related("sources"):
        why_not = _excluded(route, answers, band)
        if why_not:
            others.append((route, why_not))
        else:
            candidates.append(_weigh(route, answers, band, small, eu))
    candidates.sort(key=lambda r: (-r.score, r.route.order, r.route.code))
    chosen = candidates[:1]
    if len(candidates) > 1 and candidates[1].score >= candidates[0].score - 1:
        chosen.append(candidates[1])
    for rest in candidates[len(chosen) :]:
        others.append((rest.route, _("Fits less well than the recommended routes.")))
    others.sort(key=lambda pair: (pair[0].order, pair[0].code))
    return GuideResult(
        answers=answers,
        on=on,
        band=band,
        thresholds=[t for t in (small, eu) if t is not None],
        recommendations=chosen,
        others=others,
    )


def _excluded(route: ProcurementRoute, answers: Answers, band: str | None) -> str:
    if answers.country not in route.country_codes:
        return _("Not available in the country you chose.")
    if answers.on_market not in route.on_market_values:
        return {
            OnMarket.YES: _("For solutions that are not on the market yet."),
            OnMarket.UNKNOWN: _("Needs to know first whether the solution is on the market."),
        }.get(answers.on_market, _("For solutions that can be bought as they are."))
    if band is not None:
        position = VALUE_BAND_ORDER.index(band)
        if position < VALUE_BAND_ORDER.index(route.value_min):
            return _("For purchases of a higher value.")
        if position > VALUE_BAND_ORDER.index(route.value_max):
            return _("Only for purchases below the national threshold for a small purchase.")
    return ""


def _weigh(route, answers: Answers, band, small, eu) -> Recommendation:
    result = Recommendation(route=route, score=0)
    result.reasons.append(
        {
            OnMarket.YES: _("The solution can be bought as it is, which this route is for."),
            OnMarket.PARTLY: _("The solution exists in part, which this route allows for."),
            OnMarket.NO: _("The solution still has to be developed, which this route is for."),
            OnMarket.UNKNOWN: _(
                "You do not know yet whether the solution is on the market: this route finds out."
            ),
        }[answers.on_market]
    )
    full_range = route.maturity_min == 1 and route.maturity_max == 9
    if not full_range:
        span = {"trl": answers.maturity, "low": route.maturity_min, "high": route.maturity_max}
        if route.maturity_min <= answers.maturity <= route.maturity_max:
            result.score += 1
            result.reasons.append(
                _("A maturity of TRL %(trl)s fits this route (TRL %(low)s to %(high)s).") % span
            )
        else:
            result.score -= 1
            result.cautions.append(
                _("This route is usually for TRL %(low)s to %(high)s; you gave TRL %(trl)s.") % span
            )
    if route.co_development == CoDevelopment.REQUIRED:
        if answers.co_development:
            result.score += 1
            result.reasons.append(_("It is made for developing a solution with suppliers."))
        else:
            result.score -= 1
            result.cautions.append(_("It is for developing a solution with suppliers."))
    elif route.co_development == CoDevelopment.EXCLUDED:
        if answers.co_development:
            result.score -= 1
            result.cautions.append(_("It buys what exists; it does not pay for development."))
        else:
            result.score += 1
            result.reasons.append(_("It buys what exists, without development work."))
    if band is not None:
        amounts = {
            "value": euros(answers.value),
            "eu": euros(eu.amount),
            "small": euros(small.amount) if small else "",
        }
        if band == ValueBand.SMALL:
            text = _(
                "Your estimated value (%(value)s) is below the national threshold for a "
                "small purchase (%(small)s)."
            )
        elif band == ValueBand.BELOW_EU:
            text = _(
                "Your estimated value (%(value)s) is below the EU threshold for "
                "municipalities (%(eu)s)."
            )
        else:
            text = _(
                "Your estimated value (%(value)s) is at or above the EU threshold for "
                "municipalities (%(eu)s): an EU procedure applies."
            )
        result.reasons.append(text % amounts)
    return result


def parse_boolean(value) -> bool | None:
    """Yes/no answers from a query string: true/false, yes/no, 1/0; None otherwise."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    return None
