"""The benchmark data set: every municipality, suppliers, approved (and some unpublished)
innovations with Dutch text and domains, and adoptions, all times SCALE.

Rows are streamed into PostgreSQL with COPY (psycopg 3 `cursor.copy()`), from one seeded
random generator, so two runs with the same seed and scale hold the same data. Columns
are taken from the models: a field the generator does not know is filled with its
default (or NULL, or the current time for auto_now fields), so the generator keeps
working when other apps add fields."""

import datetime
import random
import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from . import dataset, history
from .facts import fill_adoption_facts, fill_domain_masks
from .synth import (
    Table,
    Text,
    _adopters_per_innovation,
    _apportion,
    _challenges,
    _ensure_domains,
    _fit_total,
    _pick_distinct,
    _reset_sequences,
    reset,
)

# Sizes at SCALE = 1 (the national target of the benchmark issue).
APPROVED_INNOVATIONS = 100_000
ADOPTIONS = 1_000_000
SUPPLIERS = 12_000
# Unpublished innovations on top of the approved ones, so that "approved only" filters.
UNPUBLISHED_SHARE = {
    "draft": 0.04,
    "submitted": 0.02,
    "in_review": 0.01,
    "changes_requested": 0.01,
    "rejected": 0.01,
    "withdrawn": 0.01,
}
VERIFICATION_SHARE = {"verified": 0.80, "claimed": 0.15, "rejected": 0.05}
STAGE_SHARE = {"pilot": 0.40, "implemented": 0.30, "scaled": 0.20, "ended": 0.10}
DOMAIN_WEIGHT = {
    "energy": 16,
    "care": 14,
    "mobility": 12,
    "circular-economy": 10,
    "housing": 9,
    "safety": 9,
    "digital-services": 11,
    "climate-adaptation": 9,
    "education": 5,
    "industry-4-0": 5,
}
# Every date is relative to this day; the benchmark's ranking runs use it as their
# reference date, so a re-run next year measures the same thing.
REFERENCE_DATE = datetime.date(2025, 6, 1)
HISTORY_DAYS = 10 * 365

# The Dutch search term of the benchmark: a common topic (about 4% of the catalogue).
SEARCH_TERM = "warmtepomp"
# Search against the substring scan at three frequencies (share of the approved catalogue at
# SCALE=1): a place name (0.15%), a topic (3.8%) and a common word (24%).
SEARCH_TERMS = {"rare": "helmond", "common": SEARCH_TERM, "frequent": "minder"}
CHALLENGES = 2_000
# The filter of the benchmark: one domain.
FILTER_DOMAIN = "energy"


@dataclass
class Sizes:
    suppliers: int
    approved: int
    unpublished: int
    adoptions: int

    @classmethod
    def for_scale(cls, scale: float) -> "Sizes":
        approved = max(10, round(APPROVED_INNOVATIONS * scale))
        return cls(
            suppliers=max(3, round(SUPPLIERS * scale)),
            approved=approved,
            unpublished=round(approved * sum(UNPUBLISHED_SHARE.values())),
            adoptions=max(20, round(ADOPTIONS * scale)),
        )


def generate(scale: float, seed: int = 20250601, log=print) -> dict:
    """Fill the database with the data set of `scale` (after emptying it); return counts.

    Municipalities must already be loaded (`manage.py load_municipalities`)."""
    from innovations.models import Innovation, Listing, Supplier
    from municipalities.models import Adoption, AdoptionStageChange, Challenge, Municipality

    # Seeded on purpose: the same data on every run, so runs can be compared.
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets  # nosec B311
    sizes = Sizes.for_scale(scale)
    started = time.perf_counter()
    municipalities = list(
        Municipality.objects.order_by("id").values_list("id", "name", "population")
    )
    if not municipalities:
        raise RuntimeError("no municipalities: run manage.py load_municipalities first")
    log(
        f"Generating scale {scale:g}: {len(municipalities)} municipalities, "
        f"{sizes.suppliers:,} suppliers, {sizes.approved:,} approved and "
        f"{sizes.unpublished:,} unpublished innovations, {sizes.adoptions:,} adoptions "
        f"(seed {seed})"
    )
    reset()  # also forgets the data set's mark: a run stopped half-way is never reused
    _ensure_domains()
    text = Text(rng, [name for _, name, _ in municipalities])
    now = timezone.now()
    # Innovation dates hang off the fixed reference date, not today, so that the adoption
    # dates (and with them every score) are the same whenever the benchmark runs.
    reference = datetime.datetime.combine(REFERENCE_DATE, datetime.time(12), datetime.UTC)

    # Suppliers --------------------------------------------------------------------------
    supplier_sizes: list[str] = []  # also on each innovation (Innovation.supplier_size)

    def supplier_rows():
        numbers: set[int] = set()
        for i in range(1, sizes.suppliers + 1):
            country = "BE" if rng.random() < 0.2 else "NL"
            name = text.supplier_name(country)
            size = rng.choices(["micro", "sme", "large"], [5, 4, 1])[0]
            supplier_sizes.append(size)
            # Registration numbers are unique (supplier_registration_number_unique): a drawn
            # one already given is moved to the next free number (the draws stay the same).
            number = rng.randint(10_000_000, 99_999_999)
            while number in numbers:
                number = number + 1 if number < 99_999_999 else 10_000_000
            numbers.add(number)
            yield (
                i,
                name,
                f"{slugify(name)[:200]}-{i}",
                f"{number}",
                f"https://{slugify(name)[:40]}.example",
                country,
                size,
            )

    suppliers = Table(
        Supplier, ["id", "name", "slug", "registration_number", "website", "country", "size"]
    )
    suppliers.load(supplier_rows(), sizes.suppliers, "suppliers")

    # Innovations and their domains ------------------------------------------------------
    total_innovations = sizes.approved + sizes.unpublished
    statuses = ["approved"] * sizes.approved + _apportion(rng, sizes.unpublished, UNPUBLISHED_SHARE)
    rng.shuffle(statuses)
    domain_codes = list(DOMAIN_WEIGHT)
    domain_weights = list(DOMAIN_WEIGHT.values())
    innovation_domains: list[tuple[int, str]] = []
    adoptable: list[int] = []
    published_at: dict[int, datetime.date] = {}

    def innovation_rows():
        for i, status in enumerate(statuses, start=1):
            primary = rng.choices(domain_codes, domain_weights)[0]
            extra = rng.choices(domain_codes, domain_weights, k=rng.choice([0, 0, 1, 2]))
            for code in dict.fromkeys([primary, *extra]):
                innovation_domains.append((i, code))
            title, summary, description = text.innovation(primary)
            created = reference - datetime.timedelta(days=rng.randint(60, HISTORY_DAYS + 400))
            published = None
            submitted = None
            if status not in ("draft",):
                submitted = created + datetime.timedelta(days=rng.randint(1, 20))
            if status in ("approved", "withdrawn"):
                published = submitted + datetime.timedelta(days=rng.randint(1, 30))
                adoptable.append(i)
                published_at[i] = min(published.date(), REFERENCE_DATE)
            supplier = rng.randint(1, sizes.suppliers)
            yield (
                i,
                supplier,
                supplier_sizes[supplier - 1],
                title,
                f"{slugify(title)[:120]}-{i}",
                summary,
                description,
                rng.choice(["market-ready", "market-ready", "needs-development"]),
                rng.choice([None, *range(3, 10)]),
                f"€ {rng.randint(1, 250) * 1000:,} per jaar".replace(",", "."),
                text.person(),
                f"info{i}@leverancier.example",
                status,
                created,
                submitted,
                published,
            )

    innovations = Table(
        Innovation,
        [
            "id",
            "supplier_id",
            "supplier_size",
            "title",
            "slug",
            "summary",
            "description",
            "route",
            "maturity",
            "price_indication",
            "contact_name",
            "contact_email",
            "status",
            "created_at",
            "submitted_at",
            "published_at",
        ],
    )
    innovations.load(innovation_rows(), total_innovations, "innovations")
    through = Table(Innovation.domains.through, ["id", "innovation_id", "domaintag_id"])
    through.load(
        ((n, i, code) for n, (i, code) in enumerate(innovation_domains, start=1)),
        len(innovation_domains),
        "innovation domains",
    )
    fill_domain_masks()

    # Adoptions ----------------------------------------------------------------------------
    per_innovation = _adopters_per_innovation(rng, len(adoptable), len(municipalities))
    per_innovation = _fit_total(rng, per_innovation, sizes.adoptions, len(municipalities))
    muni_ids = [m[0] for m in municipalities]
    # Big municipalities adopt more (square root of the population as weight).
    cum_weights = []
    acc = 0.0
    for _, _, population in municipalities:
        acc += max(population, 1) ** 0.5
        cum_weights.append(acc)
    verifications = _apportion(rng, sizes.adoptions, VERIFICATION_SHARE)
    stages = _apportion(rng, sizes.adoptions, STAGE_SHARE)

    def adoption_rows():
        n = 0
        for innovation_id, k in zip(adoptable, per_innovation, strict=True):
            if not k:
                continue
            chosen = _pick_distinct(rng, muni_ids, cum_weights, k)
            first_day = max(
                (REFERENCE_DATE - published_at[innovation_id]).days,
                30,
            )
            for municipality_id in chosen:
                started = REFERENCE_DATE - datetime.timedelta(days=rng.randint(1, first_day))
                stage = stages[n]
                if stage == "pilot":
                    since = started
                else:
                    since = started + datetime.timedelta(
                        days=rng.randint(0, (REFERENCE_DATE - started).days)
                    )
                verification = verifications[n]
                n += 1
                yield (
                    n,
                    municipality_id,
                    innovation_id,
                    stage,
                    started,
                    since,
                    f"TN{rng.randint(100_000, 999_999)}" if rng.random() < 0.6 else "",
                    verification,
                    now if verification == "verified" else None,
                )

    adoptions = Table(
        Adoption,
        [
            "id",
            "municipality_id",
            "innovation_id",
            "stage",
            "started_on",
            "stage_since",
            "evidence_reference",
            "verification",
            "verified_at",
        ],
    )
    adoptions.load(adoption_rows(), sizes.adoptions, "adoptions")
    history.stage_history()  # before the adoption facts: the pilot outcomes come from it
    fill_adoption_facts()
    challenges = _challenges(rng, text, muni_ids, max(5, round(CHALLENGES * scale)), domain_codes)

    _reset_sequences([Supplier, Innovation, Innovation.domains.through, Adoption, Challenge])
    log("  analyzing …")
    # The municipalities too (loaded by load_municipalities, never analysed here): without
    # statistics the planner took "same province or size class" for 2 of 627 rows.
    # The catalogue's narrow rows (innovations/listing.py) are written by the innovations'
    # triggers during the COPY and the updates above.
    analysed = [
        Municipality,
        Supplier,
        Innovation,
        Listing,
        Innovation.domains.through,
        Adoption,
        AdoptionStageChange,
        Challenge,
    ]
    with connection.cursor() as cursor:
        for model in analysed:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    seconds = time.perf_counter() - started
    log(f"  generated in {seconds:.1f} s")
    dataset.mark(scale, seed)
    return {
        "municipalities": len(municipalities),
        "suppliers": sizes.suppliers,
        "approved_innovations": sizes.approved,
        "innovations": total_innovations,
        "adoptions": sizes.adoptions,
        "verified_adoptions": verifications.count("verified"),
        "challenges": challenges,
        "seconds": round(seconds, 1),
    }
