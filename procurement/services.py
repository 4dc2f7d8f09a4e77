"""Writes of procurement routes and thresholds: loading the shipped set from data."""

import datetime
import json
from pathlib import Path

from django.db import transaction

from .models import ProcurementRoute, RouteSource, Threshold

DATA_FILE = Path(__file__).resolve().parent / "data" / "routes.json"
ROUTE_FIELDS = [
    "order",
    "name_nl",
    "name_en",
    "summary_nl",
    "summary_en",
    "fits_nl",
    "fits_en",
    "steps_nl",
    "steps_en",
    "duration_nl",
    "duration_en",
    "preparation_nl",
    "preparation_en",
    "help_netherlands_nl",
    "help_netherlands_en",
    "help_flanders_nl",
    "help_flanders_en",
    "maturity_min",
    "maturity_max",
    "on_market",
    "co_development",
    "value_min",
    "value_max",
    "countries",
]
THRESHOLD_FIELDS = [
    "jurisdiction",
    "kind",
    "name_nl",
    "name_en",
    "amount",
    "note_nl",
    "note_en",
    "source_title",
    "source_url",
]


@transaction.atomic
def routes_load_reference(*, path: Path = DATA_FILE, update: bool = False) -> dict[str, int]:
    """Create the shipped procurement routes (with their sources) and thresholds that do
    not exist yet. Rows that exist are the administrators' to edit and stay as they are,
    unless `update` is given: then they get the shipped text again. Returns counts."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"routes_created": 0, "routes_updated": 0, "thresholds_created": 0}
    for item in data["routes"]:
        values = {name: item[name] for name in ROUTE_FIELDS}
        values["valid_from"] = datetime.date.fromisoformat(item["valid_from"])
        route = ProcurementRoute.objects.filter(code=item["code"]).first()
        if route is None:
            route = ProcurementRoute.objects.create(code=item["code"], **values)
            counts["routes_created"] += 1
        elif update:
            for name, value in values.items():
                setattr(route, name, value)
            route.save()
            route.sources.all().delete()
            counts["routes_updated"] += 1
        else:
            continue
        RouteSource.objects.bulk_create(
            RouteSource(route=route, order=order, **source)
            for order, source in enumerate(item["sources"])
        )
    for item in data["thresholds"]:
        valid_from = datetime.date.fromisoformat(item["valid_from"])
        values = {name: item[name] for name in THRESHOLD_FIELDS}
        _threshold, created = Threshold.objects.get_or_create(
            code=item["code"], valid_from=valid_from, defaults=values
        )
        if not created and update:
            Threshold.objects.filter(pk=_threshold.pk).update(**values)
        counts["thresholds_created"] += int(created)
    return counts
