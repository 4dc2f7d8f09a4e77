"""Reference data: every Dutch and Flemish municipality, loaded from the shipped CSV files."""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from core import caching
from core.countries import Country, Province

from .adoption_facts import adoption_facts_refresh_for_municipalities
from .enums import size_class_for
from .models import Municipality, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
# The provinces' codes in the source files (CBS `PV..`, Statbel REFNIS) → ISO 3166-2.
PROVINCE_BY_SOURCE_CODE = {
    "PV20": Province.NL_GR,
    "PV21": Province.NL_FR,
    "PV22": Province.NL_DR,
    "PV23": Province.NL_OV,
    "PV24": Province.NL_FL,
    "PV25": Province.NL_GE,
    "PV26": Province.NL_UT,
    "PV27": Province.NL_NH,
    "PV28": Province.NL_ZH,
    "PV29": Province.NL_ZE,
    "PV30": Province.NL_NB,
    "PV31": Province.NL_LI,
    "10000": Province.BE_VAN,
    "20001": Province.BE_VBR,
    "30000": Province.BE_VWV,
    "40000": Province.BE_VOV,
    "70000": Province.BE_VLI,
}
REFERENCE_FILES = [
    (DATA_DIR / "nl_municipalities.csv", Country.NL),
    (DATA_DIR / "be_flanders_municipalities.csv", Country.BE),
]


REGIONS_FILE = DATA_DIR / "regions.csv"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # The statistical regions (COROP, arrondissements): created or changed (name, members).
    regions_created: int = 0
    regions_updated: int = 0


def _reference_rows():
    for path, country in REFERENCE_FILES:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                population = int(row["population"])
                yield {
                    "code": row["code"],
                    "name": row["name"],
                    "country": country,
                    "province": row["province"],
                    "province_code": PROVINCE_BY_SOURCE_CODE[row["province_code"]].value,
                    "population": population,
                    "population_date": datetime.date.fromisoformat(row["population_date"]),
                    "size_class": size_class_for(population),
                }


def _unique_slug(name: str, country: str, code: str, taken: set[str]) -> str:
    base = slugify(name) or code.lower()
    for candidate in (base, f"{base}-{country.lower()}", f"{base}-{code.lower()}"):
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free slug for {code}")  # cannot happen: codes are unique


@transaction.atomic
def municipalities_load_reference() -> LoadResult:
    """Create or update every Dutch and Flemish municipality from the shipped CSV files.

    Idempotent: a second run finds every row unchanged and writes nothing. Slugs, once
    given, are kept, so links to municipality pages stay valid."""
    existing = {m.code: m for m in Municipality.objects.all()}
    taken = {m.slug for m in existing.values()}
    result = LoadResult()
    fields = [
        "name",
        "country",
        "province",
        "province_code",
        "population",
        "population_date",
        "size_class",
    ]
    to_create, to_update = [], []
    rows = sorted(_reference_rows(), key=lambda r: (r["country"] != Country.NL, r["code"]))
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            slug = _unique_slug(row["name"], row["country"], row["code"], taken)
            taken.add(slug)
            to_create.append(Municipality(slug=slug, **row))
            result.created += 1
        elif any(getattr(current, field) != row[field] for field in fields):
            for field in fields:
                setattr(current, field, row[field])
            to_update.append(current)
            result.updated += 1
        else:
            result.unchanged += 1
    Municipality.objects.bulk_create(to_create, batch_size=500)
    Municipality.objects.bulk_update(to_update, fields, batch_size=500)
    if to_update:
        # The catalogue's "in use in province" facts hold the adopters' provinces.
        adoption_facts_refresh_for_municipalities(
            municipality_ids=[municipality.pk for municipality in to_update]
        )
        caching.bump_data_version(caching.CATALOGUE)
    _load_regions(result)
    return result


def _load_regions(result: LoadResult) -> None:
    """The COROP regions and Flemish arrondissements of regions.csv, with exactly the
    members the file gives them (regions without a code are left alone)."""
    members: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    with REGIONS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            members.setdefault(row["region_code"], set()).add(row["code"])
            names[row["region_code"]] = row["region_name"]
    ids = dict(Municipality.objects.values_list("code", "pk"))
    regions = {r.code: r for r in Region.objects.filter(code__in=names)}
    taken = set(Region.objects.values_list("slug", flat=True))
    Through = Region.municipalities.through
    current: dict[int, set[int]] = {}
    for region_id, municipality_id in Through.objects.filter(region__code__in=names).values_list(
        "region_id", "municipality_id"
    ):
        current.setdefault(region_id, set()).add(municipality_id)
    for code, name in sorted(names.items()):
        country = Country.NL if code.startswith("CR") else Country.BE
        region = regions.get(code)
        wanted = {ids[m] for m in members[code]}
        if region is None:
            slug = _unique_slug(name, country, code, taken)
            taken.add(slug)
            region = Region.objects.create(code=code, name=name, slug=slug, country=country)
            result.regions_created += 1
        elif (region.name, region.country, current.get(region.pk, set())) != (
            name,
            country,
            wanted,
        ):
            Region.objects.filter(pk=region.pk).update(name=name, country=country)
            result.regions_updated += 1
        else:
            continue
        region.municipalities.set(wanted)
