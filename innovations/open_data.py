"""Open data: the catalogue (approved innovations) as CSV and JSON, CC0, streamed
(core.open_data). The columns are documented here, in the JSON file and in
docs/open-data.md."""

from django.db.models import Prefetch
from django.views.decorators.http import require_safe

from core.open_data import download

from .models import DomainTag, Innovation

COLUMNS = {
    "slug": "The innovation's identifier, as in /api/v1/innovations/{slug}.",
    "title": "Its name.",
    "summary": "One or two sentences about it.",
    "supplier": "The supplier's name.",
    "supplier_slug": "The supplier's identifier.",
    "domains": "Policy domains, codes separated by a space (as in the API).",
    "route": "Procurement route: market-ready, co-development or pre-commercial (or empty).",
    "maturity": "Technology readiness level, 1 to 9 (or empty: not known).",
    "published_at": "When it was first published in the catalogue (ISO 8601, UTC).",
    "verified_adoptions": "The number of municipalities' verified adoptions.",
    "adopter_provinces": "ISO 3166-2 codes of the adopters' provinces, separated by a space.",
}
CHUNK = 2000


def _rows():
    queryset = (
        Innovation.objects.approved()
        .select_related("supplier")
        .prefetch_related(Prefetch("domains", queryset=DomainTag.objects.only("code")))
        .order_by("slug")
    )
    for innovation in queryset.iterator(chunk_size=CHUNK):
        yield {
            "slug": innovation.slug,
            "title": innovation.title,
            "summary": innovation.summary,
            "supplier": innovation.supplier.name,
            "supplier_slug": innovation.supplier.slug,
            "domains": " ".join(sorted(domain.code for domain in innovation.domains.all())),
            "route": innovation.route,
            "maturity": innovation.maturity,
            "published_at": innovation.published_at,
            "verified_adoptions": innovation.adoption_count,
            "adopter_provinces": " ".join(innovation.adopter_provinces),
        }


@require_safe
def catalogue_csv(request):
    return download("catalogue", "csv", COLUMNS, _rows())


@require_safe
def catalogue_json(request):
    return download("catalogue", "json", COLUMNS, _rows(), dataset="catalogue")
