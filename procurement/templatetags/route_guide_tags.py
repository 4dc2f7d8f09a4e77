"""Panels that the procurement app adds to pages of lower apps, by template composition:
`innovations` and `municipalities` may not import this app, so their templates load these
tags instead (`{% load route_guide_tags %}`), as they load municipalities' adoption panel.
A template of a lower app only names the tag; what it shows and decides lives here."""

from django import template

from ..access import may_ask
from ..forms import GuideForm
from ..views import guide_context, guide_initial

register = template.Library()


@register.inclusion_tag("procurement/_guide_panel.html", takes_context=True)
def route_guide_panel(context, innovation=None, challenge=None, inline=False):
    """The route guide's questionnaire on an innovation or challenge page, and a way to ask
    the support desk about it. It is sent to the guide page (printable), or with `inline`
    to the page itself: the challenge form shows the recommendation above the form, so a
    buyer sees it before publishing the challenge."""
    request = context["request"]
    if inline:
        panel = guide_context(request, innovation=innovation, challenge=challenge)
    else:
        initial = guide_initial(request.user, innovation=innovation)
        panel = {"form": GuideForm(initial=initial), "result": None}
    return {
        **panel,
        "request": request,
        "innovation": innovation,
        "challenge": challenge,
        "inline": inline,
        "may_ask": may_ask(request.user),
    }
