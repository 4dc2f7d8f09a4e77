"""The shortlist button that innovations' catalogue and innovation page show to buyers, by
template composition (innovations does not import municipalities)."""

from django import template

from ..shortlists import shortlisted_ids

register = template.Library()


@register.inclusion_tag("municipalities/shortlist_button.html", takes_context=True)
def shortlist_button(context, innovation):
    """Add to / remove from the shortlist. The template shows it only to buyers and
    administrators (shortlists.may_shortlist); the shortlist is read once per request."""
    request = context["request"]
    return {
        "innovation": innovation,
        "on_shortlist": innovation.pk in shortlisted_ids(request.user),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
