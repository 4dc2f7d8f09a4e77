"""Panels that ranking adds to pages of other apps, by template composition (nothing imports
ranking but portal; templates load these tags instead); and `signed`, a change in points."""

from django import template
from django.template.defaultfilters import floatformat

from ranking import selectors

register = template.Library()


@register.inclusion_tag("ranking/_municipality_rank.html")
def municipality_rank_panel(municipality):
    """On the municipality page: its current rank, score, rank in its size class and
    Koploper label, with a link to its scorecard (one or two queries)."""
    entry = selectors.current_entry(municipality)
    run = entry.run if entry else selectors.current_run()
    return {"municipality": municipality, "entry": entry, "run": run}


# U+2212, the minus sign: a hyphen is narrower than "+" (columns of effects do not line up)
# and screen readers read it as "dash" or not at all; the minus sign they read as "minus".
MINUS = "\u2212"


@register.filter
def signed(value, digits=2):
    """A change in points with its sign, in the reader's locale: "+1,50", "−0,25", and "0,00"
    without a sign (also for a change that rounds to zero, which floatformat gives as "-0,00")."""
    text = floatformat(value, digits)
    if not text:
        return text
    if text.startswith("-"):
        text = text[1:]
        negative = True
    else:
        negative = False
    if not any(c in "123456789" for c in text):
        return text
    return f"{MINUS if negative else '+'}{text}"
