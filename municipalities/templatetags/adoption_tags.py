"""Panels that municipalities adds to pages of other apps, by template composition
(innovations may not import municipalities; its templates load these tags instead)."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min

from ..access import buyer_municipality, can_verify_adoptions
from ..enums import Stage
from ..models import Adoption
from ..pilots import count_outcomes, pilot_outcomes
from ..selectors import innovation_adopters

register = template.Library()

# A widely used innovation has hundreds of adopters; listing them all cost most of a second
# (docs/performance.md): they come in pages (?adopters=2), the stage counts cover all.
ADOPTERS_PER_PAGE = 25
EVALUATIONS_SHOWN = 10


@register.inclusion_tag("municipalities/_innovation_adopters.html", takes_context=True)
def innovation_adopters_panel(context, innovation):
    """On the innovation page: who uses it, at which stage (a page of ADOPTERS_PER_PAGE,
    earliest first), the first EVALUATIONS_SHOWN evaluations, and for signed-in buyers
    the contact person of each adopting municipality and a way to record their own
    municipality's adoption. Verified adoptions only. One query with a page of adopters or
    less, three with more (one more for a buyer's own adoption), whatever the number of adopters."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    adopters = innovation_adopters(innovation)
    number = request.GET.get("adopters") if request is not None else None
    first = None
    if number in (None, "", "1"):
        # Most innovations have a page of adopters or less: then that page is all of them
        # (each with its pilot outcome, for counting them).
        first = list(adopters[: ADOPTERS_PER_PAGE + 1])
    if first is not None and len(first) <= ADOPTERS_PER_PAGE:
        rows = [(a.stage, 1, a.started_on) for a in first]
        paginator = Paginator(first, ADOPTERS_PER_PAGE)
    else:
        rows = adopters.order_by().values_list("stage").annotate(Count("pk"), Min("started_on"))
        paginator = Paginator(adopters, ADOPTERS_PER_PAGE)
    counts = {stage: 0 for stage in Stage.values}
    launching_date = None
    for stage, n, started_on in rows:
        counts[stage] += n
        launching_date = started_on if launching_date is None else min(launching_date, started_on)
    # The count is known already: the paginator need not ask again.
    paginator.count = total = sum(counts.values())
    if first is not None:  # the first page is read already
        page = Page(first[:ADOPTERS_PER_PAGE], 1, paginator)
    else:
        page = paginator.get_page(number)
    own = buyer_municipality(user)
    own_adoption = None
    if own is not None:
        own_adoption = Adoption.objects.filter(municipality=own, innovation=innovation).first()
    if page.has_other_pages():
        evaluations = list(adopters.filter(evaluation__isnull=False)[:EVALUATIONS_SHOWN])
        # How its pilots ended, counted in the database over all adopters.
        pilots = pilot_outcomes(Adoption.objects.filter(innovation=innovation))
    else:  # every adopter is on this page already
        evaluations = [a for a in page if getattr(a, "evaluation", None)][:EVALUATIONS_SHOWN]
        pilots = count_outcomes(page.object_list)
    return {
        "innovation": innovation,
        "adopters": page,
        "adopter_count": total,
        # The first verified adopter is the launching customer (ties share the title).
        "launching_date": launching_date,
        "path": [(value, label, counts[value]) for value, label in Stage.choices],
        "evaluations": evaluations,
        "show_contacts": own is not None or can_verify_adoptions(user),
        "may_record": own is not None or user.is_superuser,
        "own_adoption": own_adoption,
        # How its pilots ended, counting verified adoptions only.
        "pilots": pilots,
    }


@register.filter
def stage_label(value: str) -> str:
    """A stage's name in the reader's language (`pilot` → "Pilot"); never the raw value."""
    return Stage(value).label if value in Stage.values else value
