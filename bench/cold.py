"""Cold figures: pages and API answers requested once each, with nothing cached for them.

A buyer clicking through facets and search terms makes almost every combination new, so
the catalogue is measured over a fixed, seeded set of filter, search, sort and page
combinations (COMBINATIONS of them, each requested once, page and API), and the other
pages over many different objects, the largest included. Before each set the cache is
emptied (server.Server.clear_cache), so every figure here is a cache miss; the minimal
view is requested after each request, as its floor under the same load.

To add a cold figure: add a Target to `targets()` (a name, a title, its paths and its
budget in ms)."""

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

from . import server
from .report import Figure, percentile

COMBINATIONS = 120

DOMAINS = [
    "energy",
    "care",
    "mobility",
    "circular-economy",
    "housing",
    "safety",
    "digital-services",
    "climate-adaptation",
    "education",
    "industry-4-0",
]
PROVINCES = [
    "NL-DR",
    "NL-FL",
    "NL-FR",
    "NL-GE",
    "NL-GR",
    "NL-LI",
    "NL-NB",
    "NL-NH",
    "NL-OV",
    "NL-UT",
    "NL-ZE",
    "NL-ZH",
    "BE-VAN",
    "BE-VBR",
    "BE-VLI",
    "BE-VOV",
    "BE-VWV",
]
# What buyers type: topics of the generated text, parts of compounds, places, two words.
SEARCHES = [
    "warmtepomp",
    "zonnepanelen",
    "laadpaal",
    "verlichting",
    "sensor",
    "water",
    "lamp",
    "mantelzorg",
    "fiets",
    "afval",
    "helmond",
    "minder",
    "slimme meter",
    "deelauto or deelfiets",
    "isolatie -woning",
    '"sociale wijkteams"',
    "batterij",
    "parkeren",
    "zorg",
    "onderwijs",
]
ORDERINGS = ["relevance", "newest", "most_adopted", "title"]

# The catalogue API's query keys, where they differ from the page's (lowerCamelCase, as the
# NL API design rules want).
API_KEYS = {
    "maturity_min": "maturityMin",
    "supplier_size": "supplierSize",
    "has_adoptions": "hasAdoptions",
}


def combinations(n: int = COMBINATIONS, seed: int = 20250601) -> list[dict[str, list[str]]]:
    """`n` distinct catalogue queries (parameter → values), the same for the same seed:
    one to three filters, a search in two of five, a sort in one of four, a later page
    in one of five."""
    rng = random.Random(seed)  # noqa: S311 - a fixed benchmark sample  # nosec B311
    chosen: dict[str, dict] = {}
    makers = {
        "domain": lambda: sorted(rng.sample(DOMAINS, rng.choice([1, 1, 2]))),
        "route": lambda: [rng.choice(["market-ready", "needs-development"])],
        "maturity_min": lambda: [str(rng.randint(3, 8))],
        "supplier_size": lambda: [rng.choice(["micro", "sme", "large"])],
        "province": lambda: [rng.choice(PROVINCES)],
        "has_adoptions": lambda: [rng.choice(["true", "true", "false"])],
    }
    while len(chosen) < n:
        params: dict[str, list[str]] = {}
        for name in rng.sample(sorted(makers), rng.choice([0, 1, 1, 2, 3])):
            params[name] = makers[name]()
        if rng.random() < 0.4 or not params:
            params["q"] = [rng.choice(SEARCHES)]
        if rng.random() < 0.25:
            params["ordering"] = [rng.choice(ORDERINGS)]
        if rng.random() < 0.2:
            params["page"] = [str(rng.randint(2, 3))]
        key = urlencode(sorted(params.items()), doseq=True)
        chosen.setdefault(key, params)
    return list(chosen.values())


def query(params: dict[str, list[str]], api: bool = False) -> str:
    if api:
        # Not a later page: the API answers 404 for a page past the end (the web page shows
        # the last one), which a narrow combination soon is.
        params = {API_KEYS.get(n, n): values for n, values in params.items() if n != "page"}
    return "?" + urlencode(params, doseq=True)


@dataclass
class Target:
    name: str
    title: str
    paths: list[str]
    max_ms: float | None  # the budget of the p95, None for information only
    note: str = ""
    # A path of the same page for an object outside `paths`: requested before the target,
    # so that what is measured is a cache miss, not a worker's first request of that page
    # (loading its code and templates).
    warmup: str = ""
    timings: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (ms, path), for the log
    failures: dict[str, str] = field(default_factory=dict)


def objects(seed: int = 20250601) -> dict[str, list]:
    """Many different objects per page, the largest included (read in the benchmark
    process from the benchmark database); the others a seeded sample, so that two runs on
    the same data request the same objects. "spare_…": one object of each kind that is not
    measured, for the warm-up."""
    from django.db.models import Count

    from innovations.models import Innovation
    from municipalities.models import Challenge, Municipality

    published = Innovation.objects.approved()
    largest = list(published.order_by("-adoption_count", "pk").values_list("slug", flat=True)[:10])
    rng = random.Random(seed)  # noqa: S311 - a fixed benchmark sample  # nosec B311

    def sample(queryset, n: int) -> list:
        values = sorted(queryset)
        return rng.sample(values, min(n, len(values)))

    *some, spare_innovation = sample(published.values_list("slug", flat=True), 51)
    big_towns = list(
        Municipality.objects.order_by("-population").values_list("slug", flat=True)[:10]
    )
    most_adopting = list(
        Municipality.objects.annotate(n=Count("adoptions"))
        .order_by("-n")
        .values_list("slug", flat=True)[:10]
    )
    towns = sample(Municipality.objects.values_list("slug", flat=True), 41)
    *challenges, spare_challenge = sample(Challenge.objects.values_list("pk", flat=True), 41)
    measured_towns = list(dict.fromkeys(big_towns + most_adopting + towns[:-1]))
    return {
        "innovations": [s for s in dict.fromkeys(largest + some) if s != spare_innovation],
        "municipalities": [s for s in measured_towns if s != towns[-1]],
        "challenges": challenges,
        "spare_innovation": spare_innovation,
        "spare_municipality": towns[-1],
        "spare_challenge": spare_challenge,
    }


def targets(n: int = COMBINATIONS, seed: int = 20250601) -> list[Target]:
    from django.urls import reverse
    from django.utils import translation

    found = objects(seed)
    combos = combinations(n, seed)
    with translation.override("nl"):
        catalogue = reverse("innovations:catalogue")
        innovation = [reverse("innovations:detail", args=[s]) for s in found["innovations"]]
        scorecard = [reverse("ranking:scorecard", args=[s]) for s in found["municipalities"]]
        municipality = [reverse("municipalities:detail", args=[s]) for s in found["municipalities"]]
        board_map = reverse("ranking:map")
        spare_town = found["spare_municipality"]
        warm_innovation = reverse("innovations:detail", args=[found["spare_innovation"]])
        warm_scorecard = reverse("ranking:scorecard", args=[spare_town])
        warm_municipality = reverse("municipalities:detail", args=[spare_town])
    suggestions = [f"/api/v1/challenges/{pk}/suggestions" for pk in found["challenges"]]
    warm_suggestions = f"/api/v1/challenges/{found['spare_challenge']}/suggestions"
    return [
        Target(
            "catalogue_page_cold",
            f"Catalogue page, {len(combos)} combinations once each",
            [catalogue + query(c) for c in combos],
            250,
        ),
        Target(
            "catalogue_api_cold",
            f"Catalogue API, {len(combos)} combinations once each",
            ["/api/v1/innovations" + query(c, api=True) for c in combos],
            80,
        ),
        Target(
            "suggestions_cold",
            f"Challenge suggestions, {len(suggestions)} challenges",
            suggestions,
            150,
            warmup=warm_suggestions,
        ),
        Target(
            "innovation_page_cold",
            f"Innovation page, {len(innovation)} innovations (the 10 most adopted first)",
            innovation,
            100,
            warmup=warm_innovation,
        ),
        Target(
            "scorecard_cold",
            f"Scorecard, {len(scorecard)} municipalities (the largest first)",
            scorecard,
            150,
            warmup=warm_scorecard,
        ),
        Target(
            "municipality_page_cold",
            f"Municipality page, {len(municipality)} municipalities (the largest first)",
            municipality,
            150,
            warmup=warm_municipality,
        ),
        # One map for the whole country: each round empties the cache and draws it afresh.
        Target(
            "map_cold", "Map (every municipality), cache emptied each time", [board_map] * 5, None
        ),
    ]


def measure(gunicorn: "server.Server", found: list[Target], log=print) -> None:
    """Request every path of every target once after emptying the cache, each followed by
    the minimal view. A failing path is recorded and the rest goes on; after three
    failures in a row (timeouts) the target gives up, so that one far too slow page cannot
    hold up the whole benchmark."""
    for target in found:
        log(f"  {target.name}: {len(target.paths)} requests, cache emptied first")
        if target.warmup:
            _warm_up(gunicorn.port, target.warmup)
        gunicorn.clear_cache()
        in_a_row = 0
        for path in target.paths:
            if in_a_row >= 3:
                target.note = "gave up after 3 failures in a row"
                break
            if target.name == "map_cold":
                gunicorn.clear_cache()
            try:
                status, seconds, _ = server.request(gunicorn.port, path)
            except TimeoutError:
                status, seconds = f"no answer within {server.TIMEOUT:g} s", None
            if status != 200:
                target.failures[path] = status if isinstance(status, str) else f"HTTP {status}"
                in_a_row += 1
                continue
            in_a_row = 0
            target.timings.append(seconds * 1000)
            target.slowest = sorted([*target.slowest, (seconds * 1000, path)], reverse=True)[:5]
            _, floor, _ = server.request(gunicorn.port, server.MINIMAL_PATH)
            target.floor.append(floor * 1000)
        if target.timings:
            log(
                f"    p50 {percentile(target.timings, 50):.0f} ms, "
                f"p95 {percentile(target.timings, 95):.0f} ms; slowest: "
                + ", ".join(f"{ms:.0f} ms {path}" for ms, path in target.slowest)
            )


def _warm_up(port: int, path: str) -> None:
    """`path` twice on two connections at once, twice over: each of the two sync workers
    serves one of a pair, so both have run the page's code once."""
    with ThreadPoolExecutor(2) as pool:
        for _ in range(2):
            list(pool.map(lambda _: server.request(port, path), range(2)))


def figures(found: list[Target]) -> list[Figure]:
    result = []
    for target in found:
        note = target.note
        if target.failures:
            path, status = next(iter(target.failures.items()))
            note = "; ".join(
                filter(None, [note, f"{len(target.failures)} failed, e.g. {path}: {status}"])
            )
        for p in (50, 95):
            result.append(
                Figure(
                    name=f"{target.name}_p{p}",
                    title=f"{target.title}, p{p}",
                    value=percentile(target.timings, p),
                    unit="ms",
                    floor=percentile(target.floor, p),
                    floor_title=f"minimal view p{p}",
                    max_value=target.max_ms if p == 95 else None,
                    runs=1,
                    samples=len(target.timings),
                    note=note,
                    cache="cold",
                )
            )
    return result
