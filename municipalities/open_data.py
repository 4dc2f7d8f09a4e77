"""Open data: the verified adoptions (of published innovations) as CSV and JSON, CC0,
streamed (core.open_data). No contact persons and no evidence texts: what the public
pages show. The columns are documented here, in the JSON file and in docs/open-data.md."""

from django.views.decorators.http import require_safe

from core.open_data import download

from .models import Adoption

COLUMNS = {
    "id": "The adoption's identifier, as in /api/v1/adoptions/{id}.",
    "municipality_code": "CBS (GM…) or NIS code of the municipality.",
    "municipality_name": "The municipality's name.",
    "country": "NL or BE.",
    "province_code": "ISO 3166-2 code of the municipality's province.",
    "innovation_slug": "The innovation's identifier (as in the catalogue file).",
    "innovation_title": "The innovation's name.",
    "supplier": "The supplier's name.",
    "stage": "pilot, implemented, scaled or ended.",
    "started_on": "When the municipality started using it (ISO 8601 date).",
    "stage_since": "Since when it is in this stage (ISO 8601 date).",
    "verified_at": "When a reviewer verified it (ISO 8601, UTC).",
}
CHUNK = 2000


def _rows():
    queryset = (
        Adoption.objects.public()
        .select_related("municipality", "innovation__supplier")
        .order_by("id")
    )
    for adoption in queryset.iterator(chunk_size=CHUNK):
        municipality, innovation = adoption.municipality, adoption.innovation
        yield {
            "id": adoption.pk,
            "municipality_code": municipality.code,
            "municipality_name": municipality.name,
            "country": municipality.country,
            "province_code": municipality.province_code,
            "innovation_slug": innovation.slug,
            "innovation_title": innovation.title,
            "supplier": innovation.supplier.name,
            "stage": adoption.stage,
            "started_on": adoption.started_on,
            "stage_since": adoption.stage_since,
            "verified_at": adoption.verified_at,
        }


@require_safe
def adoptions_csv(request):
    return download("adoptions", "csv", COLUMNS, _rows())


@require_safe
def adoptions_json(request):
    return download("adoptions", "json", COLUMNS, _rows(), dataset="verified adoptions")
