"""Panels that ranking adds to pages of other apps, by template composition
(nothing imports ranking but portal; templates load these tags instead)."""

from django import template

from ranking import selectors

register = template.Library()


@register.inclusion_tag("ranking/_municipality_rank.html")
def municipality_rank_panel(municipality):
    """On the municipality page: its current rank, score, rank in its size class and
    Koploper label, with a link to its scorecard (one or two queries)."""
    entry = selectors.current_entry(municipality)
    run = entry.run if entry else selectors.current_run()
    return {"municipality": municipality, "entry": entry, "run": run}
