"""The municipality pages: the public list and profile, and the buyer's own overview.
Adoptions: adoption_views.py; challenges: challenge_views.py; shortlists: shortlist_views.py."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from core.countries import Country, provinces_by_country
from core.pages import querystring_without_page

from . import pilots, selectors
from .access import (
    can_act_for,
    require_buyer_municipality,
)
from .filters import MunicipalityFilter, page_filterset
from .models import Adoption, Municipality

PAGE_SIZE = 25


def municipality_list(request):
    """All municipalities, filterable by country and province (ISO 3166-2 code), searchable
    by name or code: the API's filter. An unknown country or province is said, and left out."""
    filterset = page_filterset(
        request, MunicipalityFilter, Municipality.objects.order_by("name", "code"), say_each=True
    )
    filterset.is_valid()
    chosen = filterset.form.cleaned_data
    country = chosen.get("country") or ""
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "municipalities/list.html",
        {
            "page": page,
            "countries": Country.choices,
            "provinces": provinces_by_country(country),
            "country": country,
            "province": chosen.get("province") or "",
            "query": chosen.get("q") or "",
            "querystring": querystring_without_page(request),
        },
    )


ADOPTIONS_PER_PAGE = 50
# Finished pilots with their outcome, the most recent first (all of them are also in the
# pages of adoptions).
FINISHED_PILOTS_SHOWN = 50


def municipality_detail(request, slug):
    """A municipality's profile: its verified adoptions and its open challenges."""
    municipality = get_object_or_404(Municipality, slug=slug)
    # The most advanced first, in pages: a large municipality has thousands, and drawing
    # them all cost seconds (docs/performance.md).
    paginator = Paginator(selectors.municipality_adoption_ids(municipality), ADOPTIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # The page's rows, chosen by their ids first (one query with the ids as a subquery).
    page.object_list = selectors.municipality_adoptions(municipality, page=page.object_list)
    public_pilots = Adoption.objects.public().filter(municipality=municipality)
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "adoptions": page,
            "adoption_count": paginator.count,
            "challenges": list(selectors.open_challenges().filter(municipality=municipality)),
            "is_own": can_act_for(request.user, municipality) and not request.user.is_superuser,
            # How its pilots ended (verified adoptions of published innovations).
            "pilots": pilots.pilot_outcomes(public_pilots),
            "finished_pilots": pilots.finished_pilots(public_pilots, limit=FINISHED_PILOTS_SHOWN),
        },
    )


@login_required
def my_municipality(request):
    """The buyer's overview: every adoption of their municipality in any verification
    state, and its challenges."""
    municipality = require_buyer_municipality(request.user)
    page = Paginator(selectors.own_adoptions(municipality), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "municipalities/mine.html",
        {
            "municipality": municipality,
            "page": page,
            "querystring": "",
            "challenges": list(selectors.own_challenges(municipality)[:50]),
            "suggestions": list(selectors.used_by_similar_municipalities(municipality)),
        },
    )
