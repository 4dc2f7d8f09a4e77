"""Panels that municipalities adds to pages of other apps, by template composition
(innovations may not import municipalities; its templates load these tags instead)."""

from django import template
from django.contrib.auth.models import AnonymousUser

from ..access import buyer_municipality, can_verify_adoptions
from ..enums import Stage
from ..models import Adoption
from ..pilots import count_outcomes
from ..selectors import innovation_adopters

register = template.Library()

# A widely used innovation has hundreds of adopters; listing them all cost most of a second
# (docs/performance.md). The stage counts still cover all.
ADOPTERS_SHOWN = 25
EVALUATIONS_SHOWN = 10


@register.inclusion_tag("municipalities/_innovation_adopters.html", takes_context=True)
def innovation_adopters_panel(context, innovation):
    """On the innovation page: who uses it, at which stage, their evaluations, and for
    signed-in buyers the contact person of each adopting municipality and a way to record
    their own municipality's adoption. Verified adoptions only."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    adopters = innovation_adopters(innovation, pilot_history=True)
    counts = {stage: 0 for stage in Stage.values}
    for adoption in adopters:
        counts[adoption.stage] += 1
    own = buyer_municipality(user)
    own_adoption = None
    if own is not None:
        own_adoption = Adoption.objects.filter(municipality=own, innovation=innovation).first()
    evaluations = [a for a in adopters if getattr(a, "evaluation", None) is not None]
    return {
        "innovation": innovation,
        "adopters": adopters[:ADOPTERS_SHOWN],
        "more_adopters": max(0, len(adopters) - ADOPTERS_SHOWN),
        # The first verified adopter is the launching customer (ties share the title).
        "launching_date": adopters[0].started_on if adopters else None,
        "path": [(value, label, counts[value]) for value, label in Stage.choices],
        "evaluations": evaluations[:EVALUATIONS_SHOWN],
        "show_contacts": own is not None or can_verify_adoptions(user),
        "may_record": own is not None or user.is_superuser,
        "own_adoption": own_adoption,
        # How its pilots ended, counting verified adoptions only.
        "pilots": count_outcomes(adopters),
    }


@register.filter
def stage_label(value: str) -> str:
    """A stage's name in the reader's language (`pilot` → "Pilot"); never the raw value."""
    return Stage(value).label if value in Stage.values else value
