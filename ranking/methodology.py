"""The methodology page: how the ranking is made, with the numbers of the current run.

The framework, data, weights and their reasons, recency, size classes, the sensitivity
method and the performance groups are text in the template; the numbers in it (factors,
half-life, ranges, results) are read from the current run, so the page cannot drift from
the board it explains."""

import math
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.db.models.fields.json import KT
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import groups, selectors
from .models import RankingRun
from .services import FORMULA_VERSION, PARAMETERS_V1


@dataclass
class Version:
    """One line of the changelog: a formula version with a version of the sensitivity
    analysis (0: none), and which published boards of this site were made with it."""

    formula_version: str
    method_version: int
    title: str
    text: str
    first: object = None
    last: object = None
    boards: int = 0


def _changelog() -> list[Version]:
    """Oldest first; the last line is the current services.FORMULA_VERSION with the current
    sensitivity.METHOD_VERSION (a test holds it to that), so a new version of either needs a
    line here. One query."""
    versions = [
        Version(
            "v1",
            0,
            _("Formula v1"),
            _(
                "Stage × order × recency per verified adoption, summed per municipality; "
                "ranks within size classes and points per 10,000 inhabitants."
            ),
        ),
        Version(
            "v1",
            1,
            _("Formula v1, with rank ranges (sensitivity analysis 1)"),
            _(
                "The formula is unchanged. Every board now carries rank ranges from the "
                "sensitivity analysis, performance groups by the rule above (the Koploper "
                "label follows it instead of the bare top 10%), and a rank by points per "
                "10,000 inhabitants."
            ),
        ),
    ]
    used = (
        RankingRun.objects.published()
        .values("formula_version", method=KT("sensitivity__method_version"))
        .annotate(first=Min("reference_date"), last=Max("reference_date"), boards=Count("id"))
        .order_by()
    )
    by_version = {(row["formula_version"], int(row["method"] or 0)): row for row in used}
    for version in versions:
        row = by_version.get((version.formula_version, version.method_version))
        if row:
            version.first, version.last, version.boards = row["first"], row["last"], row["boards"]
    return versions


# What each assumption of the one-at-a-time analysis is called on the page.
ASSUMPTIONS = {
    "stage_weight_pilot": _("weight of a pilot"),
    "stage_weight_implemented": _("weight of an implementation"),
    "stage_weight_scaled": _("weight of a scaled-up adoption"),
    "launching_customer_factor": _("launching-customer factor"),
    "early_adopter_factor": _("early-adopter factor"),
    "half_life_years": _("half-life of the recency decay"),
    "recency": _("recency left out altogether"),
}


def _recency_examples(parameters: dict) -> list[tuple[int, float]]:
    half_life = parameters["recency_half_life_years"]
    return [(years, round(0.5 ** (years / half_life), 2)) for years in (0, 1, 3, 6, 9)]


def _one_at_a_time(summary: dict) -> list[dict]:
    return [
        {**row, "label": ASSUMPTIONS.get(row["assumption"], row["assumption"])}
        for row in summary.get("one_at_a_time", [])
    ]


def methodology_context() -> dict:
    run = selectors.current_run()
    parameters = run.parameters if run else PARAMETERS_V1
    summary = (run.sensitivity if run else {}) or {}
    settings = summary.get("settings", {})
    one_at_a_time = _one_at_a_time(summary)
    half_lives = settings.get("half_life_years", [])
    return {
        "run": run,
        "formula_version": run.formula_version if run else FORMULA_VERSION,
        "parameters": parameters,
        "stages": parameters["stage_factors"],
        "recency_examples": _recency_examples(parameters),
        "summary": summary,
        "settings": settings,
        "half_life_min": min(half_lives) if half_lives else None,
        "half_life_max": max(half_lives) if half_lives else None,
        "recency_share_percent": round(settings.get("recency_share", 0) * 100),
        "one_at_a_time": one_at_a_time,
        "most_moving": one_at_a_time[0] if one_at_a_time else None,
        "group_rule": [
            {"group": group.label, "percent": percent} for group, percent in groups.RULE
        ],
        "example_class": {"size": 40, "top": math.ceil(40 * groups.RULE[0][1] / 100)},
        "changelog": _changelog(),
    }


def methodology(request):
    """How the ranking is made (Dutch and English), with the current run's numbers."""
    return render(request, "ranking/methodology.html", methodology_context())
