"""The scale-up plan panel that procurement adds to a municipality's adoption page, by
template composition (municipalities may not import this app)."""

from django import template

from ..access import may_plan, may_view_plan
from ..models import ScaleUpPlan

register = template.Library()


@register.inclusion_tag("procurement/_plan_panel.html", takes_context=True)
def scale_up_panel(context, adoption):
    """For the municipality's buyers and reviewers: the pilot's plan in short, or an
    invitation to write one. Nothing for anyone else, nor for an adoption that never had a
    plan and is no longer a pilot."""
    user = context["request"].user
    if not may_view_plan(user, adoption):
        return {"show": False}
    plan = ScaleUpPlan.objects.select_related("route").filter(adoption=adoption).first()
    return {
        "show": plan is not None or adoption.stage == "pilot",
        "adoption": adoption,
        "plan": plan,
        "may_plan": may_plan(user, adoption) and adoption.stage == "pilot",
    }
