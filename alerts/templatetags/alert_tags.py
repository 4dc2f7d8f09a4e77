"""The follow buttons and the "Save this search" link that the pages of innovations and
municipalities show, by template composition (those apps do not import this one)."""

from django import template
from django.urls import reverse

from ..access import may_follow_challenges, may_follow_innovations, may_save_searches
from ..follows import followed_innovation_ids
from ..models import Follow

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.inclusion_tag("alerts/follow_button.html", takes_context=True)
def follow_button(context, innovation):
    """Follow / stop following an innovation, for buyers (one query per request)."""
    request = context["request"]
    user = request.user
    return {
        "show": may_follow_innovations(user),
        "field": "innovation",
        "value": innovation.slug,
        "title": innovation.title,
        "following": innovation.pk in followed_innovation_ids(user),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("alerts/follow_button.html", takes_context=True)
def follow_challenge_button(context, challenge):
    request = context["request"]
    user = request.user
    show = may_follow_challenges(user)
    return {
        "show": show,
        "field": "challenge",
        "value": challenge.pk,
        "title": challenge.title,
        "following": show and Follow.objects.filter(user=user, challenge=challenge).exists(),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("alerts/save_search_link.html", takes_context=True)
def save_search_link(context):
    """ "Save this search" on the catalogue page, for buyers: the page's query string."""
    request = context["request"]
    query = request.GET.copy()
    for name in ("page", "ordering"):
        query.pop(name, None)
    encoded = query.urlencode()
    url = reverse("alerts:search_create") + (f"?{encoded}" if encoded else "")
    return {"show": may_save_searches(request.user), "url": url}
