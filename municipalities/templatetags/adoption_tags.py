"""Panels that municipalities adds to pages of other apps, by template composition
(innovations may not import municipalities; its templates load these tags instead)."""

from django import template

register = template.Library()


@register.inclusion_tag("municipalities/_innovation_adopters.html", takes_context=True)
def innovation_adopters_panel(context, innovation):
    """On the innovation page: who uses it, at which stage, their evaluations, and for
    signed-in buyers the contact person of each adopting municipality."""
    return {"innovation": innovation, "request": context.get("request")}
