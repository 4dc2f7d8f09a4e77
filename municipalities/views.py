from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from innovations.enums import Country

from .models import Municipality


def municipality_list(request):
    """All municipalities, filterable by country and province, searchable by name."""
    queryset = Municipality.objects.all()
    country = request.GET.get("country", "")
    province = request.GET.get("province", "")
    query = request.GET.get("q", "").strip()[:100]
    if country in Country.values:
        queryset = queryset.filter(country=country)
    else:
        country = ""
    provinces = (
        Municipality.objects.filter(country=country) if country else Municipality.objects.all()
    )
    provinces = sorted(set(provinces.values_list("province", flat=True)))
    if province in provinces:
        queryset = queryset.filter(province=province)
    else:
        province = ""
    if query:
        queryset = queryset.filter(name__icontains=query)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "municipalities/list.html",
        {
            "page": page,
            "countries": Country.choices,
            "provinces": provinces,
            "country": country,
            "province": province,
            "query": query,
            "querystring": params.urlencode(),
        },
    )


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    return render(request, "municipalities/detail.html", {"municipality": municipality})
