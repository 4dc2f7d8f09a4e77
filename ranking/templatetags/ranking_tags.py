"""Panels that ranking adds to pages of other apps, by template composition
(nothing imports ranking but portal; templates load these tags instead)."""

from django import template

register = template.Library()


@register.inclusion_tag("ranking/_municipality_rank.html")
def municipality_rank_panel(municipality):
    """On the municipality page: its current rank and score, with a link to its scorecard."""
    return {"municipality": municipality}
