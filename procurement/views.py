"""The procurement routes, their thresholds, and the route guide (public pages)."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from innovations.models import Innovation
from municipalities.access import buyer_municipality, may_view_challenge
from municipalities.models import Challenge

from . import guide, selectors
from .enums import OnMarket
from .forms import GuideForm


def route_list(request):
    """Every route with when it fits, and the thresholds in force today."""
    return render(
        request,
        "procurement/route_list.html",
        {"routes": selectors.routes_for_display(), "thresholds": selectors.thresholds_in_force()},
    )


def route_detail(request, code):
    route = get_object_or_404(selectors.routes_for_display(), code=code)
    return render(request, "procurement/route_detail.html", {"route": route})


def guide_context(request, *, innovation=None, challenge=None) -> dict:
    """The guide's form and, when its answers are complete and valid, the recommendation;
    shared by the guide page and the panels on other pages (templatetags)."""
    asked = any(name in request.GET for name in GuideForm.base_fields)
    initial = guide_initial(request.user, innovation=innovation)
    form = GuideForm(request.GET if asked else None, initial=initial)
    result = guide.recommend(form.answers()) if asked and form.is_valid() else None
    return {"form": form, "result": result, "asked": asked}


def guide_initial(user, *, innovation=None) -> dict:
    """Answers the portal can suggest: the buyer's country, the innovation's maturity and
    whether it is market-ready."""
    municipality = buyer_municipality(user)
    initial = {"country": municipality.country if municipality else "NL"}
    if innovation is not None:
        if innovation.maturity:
            initial["maturity"] = innovation.maturity
        if innovation.route == "market-ready":
            initial.update(on_market=OnMarket.YES, co_development="no")
        elif innovation.route == "needs-development":
            initial.update(on_market=OnMarket.NO, co_development="yes")
    return initial


def _context_object(request):
    """The innovation or challenge the guide was opened from (?innovation=slug,
    ?challenge=id), if the visitor can see it; else nothing."""
    slug = request.GET.get("innovation")
    if slug:
        return Innovation.objects.approved().select_related("supplier").filter(
            slug=slug
        ).first(), None
    pk = request.GET.get("challenge", "")
    if pk.isdigit() and len(pk) < 12:
        challenge = Challenge.objects.select_related("municipality").filter(pk=int(pk)).first()
        if challenge and may_view_challenge(request.user, challenge):
            return None, challenge
    return None, None


def guide_page(request):
    """The questionnaire and, once answered, one or two recommended routes with reasons
    and next steps; printable. Invalid answers are a 400 with the form's messages."""
    innovation, challenge = _context_object(request)
    context = guide_context(request, innovation=innovation, challenge=challenge)
    context.update(innovation=innovation, challenge=challenge)
    status = 400 if context["asked"] and not context["form"].is_valid() else 200
    if status == 400:
        context["error_summary"] = _("Some answers are missing or out of range; see below.")
    return render(request, "procurement/guide.html", context, status=status)
