"""The public catalogue page and the innovation page."""

import datetime

import pytest
from django.urls import reverse

from core.countries import Province
from innovations.enums import Domain, Route, Status, SupplierSize
from innovations.filters import CatalogueFilter
from innovations.models import Innovation, Review
from municipalities.enums import Stage, Verification
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)

CATALOGUE = "/nl/innovations/"


def _days_ago(days):
    return datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)


def _titles(response):
    return [innovation.title for innovation in response.context["page"].object_list]


@pytest.fixture
def small_catalogue(db):
    """Three approved innovations with distinct facets, and one of every other state."""
    utrecht = MunicipalityFactory(code="GM0344", name="Utrecht", province="Utrecht")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle", province="Overijssel")
    gent = MunicipalityFactory(
        code="44021", name="Gent", country="BE", province="Oost-Vlaanderen", population=265000
    )
    solar = InnovationFactory(
        title="Zonnedak",
        domains=["energy", "housing"],
        route=Route.MARKET_READY,
        maturity=8,
        supplier=SupplierFactory(size=SupplierSize.SME),
        published_at=_days_ago(30),
    )
    bike = InnovationFactory(
        title="Fietstelpaal",
        domains=["mobility"],
        route=Route.NEEDS_DEVELOPMENT,
        maturity=4,
        supplier=SupplierFactory(size=SupplierSize.MICRO),
        published_at=_days_ago(10),
    )
    care = InnovationFactory(
        title="Zorgrobot",
        domains=["care", "digital-services"],
        route=Route.MARKET_READY,
        maturity=6,
        supplier=SupplierFactory(size=SupplierSize.LARGE),
        published_at=_days_ago(20),
    )
    AdoptionFactory(innovation=solar, municipality=utrecht)
    AdoptionFactory(innovation=solar, municipality=zwolle, stage=Stage.SCALED)
    AdoptionFactory(innovation=care, municipality=zwolle)
    # Not public: a claimed and a rejected adoption, and innovations that are not approved.
    AdoptionFactory(innovation=bike, municipality=gent, verification=Verification.CLAIMED)
    AdoptionFactory(innovation=care, municipality=gent, verification=Verification.REJECTED)
    for status in [s for s in Status.values if s != Status.APPROVED]:
        InnovationFactory(title=f"Niet zichtbaar {status}", status=status)
    InnovationFactory(title="Herziening", revision_of=solar, status=Status.APPROVED)
    return {"solar": solar, "bike": bike, "care": care}


def test_catalogue_lists_only_approved_innovations_newest_first(client, small_catalogue):
    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert _titles(response) == ["Fietstelpaal", "Zorgrobot", "Zonnedak"]
    assert reverse("innovations:catalogue") == CATALOGUE


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("domain=energy", ["Zonnedak"]),
        ("domain=energy&domain=mobility", ["Fietstelpaal", "Zonnedak"]),
        ("route=needs-development", ["Fietstelpaal"]),
        ("maturity_min=6", ["Zorgrobot", "Zonnedak"]),
        ("maturity_max=6", ["Fietstelpaal", "Zorgrobot"]),
        ("maturity_min=5&maturity_max=7", ["Zorgrobot"]),
        ("supplier_size=micro", ["Fietstelpaal"]),
        ("province=NL-UT", ["Zonnedak"]),
        ("province=NL-OV", ["Zorgrobot", "Zonnedak"]),
        # Only verified adoptions count: Gent's are claimed or rejected.
        ("province=BE-VOV", []),
        ("has_adoptions=true", ["Zorgrobot", "Zonnedak"]),
        ("has_adoptions=false", ["Fietstelpaal"]),
        ("domain=care&route=market-ready&has_adoptions=true", ["Zorgrobot"]),
        ("ordering=most_adopted", ["Zonnedak", "Zorgrobot", "Fietstelpaal"]),
        ("ordering=title", ["Fietstelpaal", "Zonnedak", "Zorgrobot"]),
        ("q=zorg", ["Zorgrobot"]),
    ],
)
def test_catalogue_filters_and_sorts(client, small_catalogue, query, expected):
    response = client.get(f"{CATALOGUE}?{query}")

    assert response.status_code == 200
    assert _titles(response) == expected
    assert list(response.context["messages"]) == []


def test_catalogue_facet_counts_leave_out_their_own_filter(small_catalogue):
    filterset = CatalogueFilter(
        {"route": "market-ready", "province": "NL-OV"},
        queryset=Innovation.objects.approved(),
    )
    assert filterset.is_valid()

    counts = filterset.facet_counts()

    assert counts == {
        # Route and province filters applied: Zonnedak and Zorgrobot.
        "domain": {"energy": 1, "housing": 1, "care": 1, "digital-services": 1},
        # Without the route filter: all adopted in Overijssel are market-ready.
        "route": {"market-ready": 2},
        "supplier_size": {"sme": 1, "large": 1},
        "maturity": {8: 1, 6: 1},
        # Without the province filter: the market-ready ones, by province of adoption.
        "province": {"NL-UT": 1, "NL-OV": 2},
        "has_adoptions": {"true": 2, "false": 0},
    }


def test_catalogue_page_shows_facet_counts(client, small_catalogue):
    response = client.get(CATALOGUE)

    facets = response.context["facets"]
    assert [(o["value"], o["count"]) for o in facets["route"]["options"]] == [
        ("market-ready", 2),
        ("needs-development", 1),
    ]
    assert [o["count"] for o in facets["maturity"]["min"]] == [3, 3, 3, 3, 2, 2, 1, 1, 0]
    # Every province by its ISO 3166-2 code, the two called Limburg apart.
    assert {o["value"]: o["count"] for o in facets["province"]["options"]} == {
        **{code: 0 for code in Province.values},
        "NL-OV": 2,
        "NL-UT": 1,
    }
    labels = [o["label"] for o in facets["province"]["options"]]
    assert "Limburg (NL)" in labels and "Limburg (BE)" in labels
    content = response.content.decode()
    assert 'value="needs-development" id="id_route_2"' in content
    assert "(1)" in content


@pytest.mark.parametrize(
    ("query", "expected", "ignored"),
    [
        ("domain=space", ["Fietstelpaal", "Zorgrobot", "Zonnedak"], ["space"]),
        ("domain=space&domain=energy", ["Zonnedak"], ["space"]),
        ("route=fast&supplier_size=micro", ["Fietstelpaal"], ["fast"]),
        ("maturity_min=12", ["Fietstelpaal", "Zorgrobot", "Zonnedak"], ["12"]),
        ("maturity_min=3.5", ["Fietstelpaal", "Zorgrobot", "Zonnedak"], ["3.5"]),
        ("province=Atlantis", ["Fietstelpaal", "Zorgrobot", "Zonnedak"], ["Atlantis"]),
        ("has_adoptions=maybe", ["Fietstelpaal", "Zorgrobot", "Zonnedak"], ["maybe"]),
        ("ordering=-price", ["Fietstelpaal", "Zorgrobot", "Zonnedak"], ["-price"]),
    ],
)
def test_catalogue_ignores_unknown_filter_values_with_a_message(
    client, small_catalogue, query, expected, ignored
):
    response = client.get(f"{CATALOGUE}?{query}")

    assert response.status_code == 200
    assert _titles(response) == expected
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == len(ignored)
    assert all(value in message for value, message in zip(ignored, messages, strict=True))
    assert all(message in response.content.decode() for message in messages)


@pytest.mark.parametrize(
    "text", ['"', '"zonne', "or", "&&|!:*()'", "-", "x" * 500, "<script>", "%00", "de"]
)
def test_catalogue_treats_odd_search_text_as_plain_words(client, small_catalogue, text):
    response = client.get(CATALOGUE, {"q": text})

    assert response.status_code == 200


def test_catalogue_shortens_a_very_long_search(client, small_catalogue):
    response = client.get("/en/innovations/", {"q": "zorg " + "x" * 300})

    assert response.context["query"] == ("zorg " + "x" * 300)[:200]
    assert [str(m) for m in response.context["messages"]] == [
        "Your search was shortened to its first 200 characters."
    ]


def test_catalogue_search_keeps_filters_in_the_links(client, small_catalogue):
    InnovationFactory.create_batch(25, title="Zonnige oplossing", domains=["energy"])

    response = client.get(CATALOGUE, {"q": "zon", "domain": "energy", "page": "2"})

    assert response.context["page"].number == 2
    assert response.context["querystring"] == "q=zon&domain=energy"
    assert "?q=zon&amp;domain=energy&amp;page=1" in response.content.decode()


def test_catalogue_relevance_is_offered_only_while_searching(client, small_catalogue):
    plain = client.get(CATALOGUE)
    searching = client.get(CATALOGUE, {"q": "zon"})

    assert [o["value"] for o in plain.context["orderings"]] == ["newest", "most_adopted", "title"]
    assert [o["value"] for o in searching.context["orderings"] if o["selected"]] == ["relevance"]


def test_catalogue_shows_empty_state(client, db):
    response = client.get(CATALOGUE, {"q": "onvindbaar"})

    assert response.status_code == 200
    assert "koploper-empty" in response.content.decode()


def test_catalogue_shortlist_button_only_for_buyers(client, small_catalogue):
    buyer = buyer_user()
    others = [None, supplier_user(), reviewer_user()]
    button = f'<input type="hidden" name="innovation" value="{small_catalogue["solar"].slug}">'

    for user in others:
        if user:
            client.force_login(user)
        assert button not in client.get(CATALOGUE).content.decode()
    client.force_login(buyer)
    assert button in client.get(CATALOGUE).content.decode()


def _make_catalogue(n):
    municipalities = MunicipalityFactory.create_batch(3)
    for _ in range(n):
        innovation = InnovationFactory(domains=["energy", "care", "mobility"])
        for municipality in municipalities:
            AdoptionFactory(innovation=innovation, municipality=municipality)


@pytest.mark.parametrize("n", [1, 15])
@pytest.mark.parametrize("as_buyer", [False, True])
def test_catalogue_query_count_does_not_grow_with_items(
    client, db, django_assert_max_num_queries, n, as_buyer
):
    _make_catalogue(n)
    if as_buyer:
        client.force_login(buyer_user())

    # The compounds of the search words, page, domains, the facets (two statements per
    # distinct base, two bases here; the count comes with them); a buyer adds session, user,
    # roles (4), the shortlist and the header's unread notifications when not cached.
    with django_assert_max_num_queries(8 if not as_buyer else 17):
        response = client.get(CATALOGUE, {"q": "innovatie", "province": "NL-UT"})

    assert len(response.context["page"].object_list) == n


# --- The innovation page ------------------------------------------------------------------


def test_innovation_page_shows_the_innovation(client, db):
    solar = InnovationFactory(title="Zonnedak")
    for municipality in MunicipalityFactory.create_batch(2):
        AdoptionFactory(innovation=solar, municipality=municipality)
    reviewer = reviewer_user()
    for score in (3, 4):
        Review.objects.create(
            innovation=solar,
            reviewer=reviewer,
            novelty=score,
            evidence=score,
            public_value=5,
            fit=2,
            decision="approve",
        )

    response = client.get(f"/nl/innovations/{solar.slug}/")

    assert response.status_code == 200
    assert response.context["innovation"] == solar
    assert response.context["innovation"].adoption_count == 2
    assert response.context["rubric"] == {
        "count": 2,
        "novelty": 3.5,
        "evidence": 3.5,
        "public_value": 5.0,
        "fit": 2.0,
    }
    content = response.content.decode()
    assert solar.supplier.name in content
    assert "3,5" in content  # Dutch decimal comma
    assert content.count("<h1") == 1


def test_innovation_page_lists_related_innovations_by_shared_domains(client, db):
    innovation = InnovationFactory(domains=["energy", "housing", "care"])
    two = InnovationFactory(title="Twee gedeeld", domains=["energy", "housing"])
    three = InnovationFactory(title="Drie gedeeld", domains=["energy", "housing", "care"])
    one = InnovationFactory(title="Een gedeeld", domains=["care", "mobility"])
    InnovationFactory(title="Niets gedeeld", domains=["mobility"])
    InnovationFactory(title="Niet goedgekeurd", domains=["energy"], status=Status.DRAFT)

    response = client.get(f"/nl/innovations/{innovation.slug}/")

    assert list(response.context["related"]) == [three, two, one]


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.APPROVED])
def test_innovation_page_is_404_unless_approved(client, db, status):
    innovation = InnovationFactory(status=status)
    client.force_login(supplier_user(supplier=innovation.supplier))

    assert client.get(f"/nl/innovations/{innovation.slug}/").status_code == 404


def test_innovation_page_is_404_for_a_pending_revision(client, db):
    original = InnovationFactory()
    revision = InnovationFactory(revision_of=original, status=Status.APPROVED)

    assert client.get(f"/nl/innovations/{revision.slug}/").status_code == 404


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize("as_buyer", [False, True])
def test_innovation_page_query_count_does_not_grow_with_items(
    client, db, django_assert_max_num_queries, n, as_buyer
):
    innovation = InnovationFactory(domains=["energy", "care"])
    for municipality in MunicipalityFactory.create_batch(n):
        AdoptionFactory(innovation=innovation, municipality=municipality)
    InnovationFactory.create_batch(n, domains=["energy"])
    if as_buyer:
        client.force_login(buyer_user())

    with django_assert_max_num_queries(8 if not as_buyer else 17):
        response = client.get(f"/nl/innovations/{innovation.slug}/")

    assert response.status_code == 200
    assert response.context["innovation"].adoption_count == n


def test_innovation_page_lists_every_adopter_in_pages(client, db, django_assert_max_num_queries):
    innovation = InnovationFactory()
    towns = MunicipalityFactory.create_batch(30)
    for n, town in enumerate(towns):
        AdoptionFactory(
            innovation=innovation,
            municipality=town,
            started_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
        )
    url = f"/nl/innovations/{innovation.slug}/"

    with django_assert_max_num_queries(9):
        first = client.get(url)
    second = client.get(url, {"adopters": 2})

    listed = [
        a.municipality.name
        for page in (first, second)
        for a in page.context["adopters"].object_list
    ]
    assert listed == [town.name for town in towns]
    assert first.context["adopters"].paginator.count == 30
    assert "?adopters=2#adopters-heading" in first.content.decode()


@pytest.mark.parametrize("text", ["de het een", "of", "- or -", '"', "&&|!:*()'"])
def test_catalogue_says_when_a_search_holds_nothing_to_search_for(client, small_catalogue, text):
    response = client.get("/en/innovations/", {"q": text})

    assert response.status_code == 200
    # Everything is shown, with a message saying why the search did not apply.
    assert _titles(response) == ["Fietstelpaal", "Zorgrobot", "Zonnedak"]
    assert [str(m) for m in response.context["messages"]] == [
        "Search for at least one word that is not a common word such as “de” or “het” "
        "(“of”, “or” and “-” only join or leave out words)."
    ]


FILTER_SETS = [
    {},
    {"domain": ["energy"]},
    {"domain": ["care", "mobility"], "route": "market-ready"},
    {"province": "NL-UT", "supplier_size": "sme"},
    {"maturity_min": "5", "has_adoptions": "true", "domain": ["housing"]},
    {"maturity_max": "6", "province": "NL-OV", "route": "needs-development"},
    {
        "domain": ["energy", "safety"],
        "province": "NL-UT",
        "route": "market-ready",
        "supplier_size": "large",
        "maturity_min": "3",
        "maturity_max": "8",
        "has_adoptions": "true",
    },
    {"q": "slimme", "domain": ["energy"]},
]


@pytest.fixture
def varied_catalogue(db):
    """Forty published innovations with seeded, mixed facets and adopters."""
    import random

    rng = random.Random(20)  # noqa: S311 - test data  # nosec B311
    towns = [
        MunicipalityFactory(code="GM0344", name="Utrecht", province="Utrecht"),
        MunicipalityFactory(code="GM0193", name="Zwolle", province="Overijssel"),
        MunicipalityFactory(code="GM0363", name="Amsterdam", province="Noord-Holland"),
    ]
    suppliers = [SupplierFactory(size=size) for size in SupplierSize.values]
    domains = ["energy", "care", "mobility", "housing", "safety"]
    for n in range(40):
        innovation = InnovationFactory(
            title=f"Innovatie {n} " + rng.choice(["slimme meter", "robot", "zonnedak"]),
            domains=rng.sample(domains, rng.randint(1, 3)),
            route=rng.choice(Route.values),
            maturity=rng.randint(1, 9),
            supplier=rng.choice(suppliers),
            published_at=_days_ago(n),
        )
        for town in rng.sample(towns, rng.choice([0, 0, 1, 2, 3])):
            AdoptionFactory(innovation=innovation, municipality=town)


def _count(data):
    filterset = CatalogueFilter(data, queryset=Innovation.objects.approved())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def _brute_force(data):
    """Each facet value's count by filtering the catalogue with that value instead of the
    facet's own filter: what facet_counts must give in its one pass."""
    own = {
        "domain": ["domain"],
        "route": ["route"],
        "supplier_size": ["supplier_size"],
        "maturity": ["maturity_min", "maturity_max"],
        "province": ["province"],
        "has_adoptions": ["has_adoptions"],
    }
    values = {
        "domain": [(code, {"domain": [code]}) for code in Domain.values],
        "route": [(v, {"route": v}) for v in Route.values],
        "supplier_size": [(v, {"supplier_size": v}) for v in SupplierSize.values],
        "maturity": [(n, {"maturity_min": n, "maturity_max": n}) for n in range(1, 10)],
        "province": [(code, {"province": code}) for code in Province.values],
        "has_adoptions": [(v, {"has_adoptions": v}) for v in ("true", "false")],
    }
    expected = {}
    for facet, options in values.items():
        rest = {k: v for k, v in data.items() if k not in own[facet]}
        counts = {value: _count({**rest, **extra}) for value, extra in options}
        keep_zero = facet == "has_adoptions"
        expected[facet] = {v: n for v, n in counts.items() if n or keep_zero}
    return expected


@pytest.mark.parametrize("data", FILTER_SETS)
def test_catalogue_facet_counts_agree_with_filtering_each_value(varied_catalogue, data):
    filterset = CatalogueFilter(data, queryset=Innovation.objects.approved())
    assert filterset.is_valid()

    counts = filterset.facet_counts()

    assert counts == _brute_force(data)
    # The same pass counted the filtered catalogue for the paginator.
    from django.core.cache import cache

    assert cache.get(filterset.cache_key("count")) == _count(data)


def test_catalogue_facet_counts_are_one_statement_whatever_the_filters(
    varied_catalogue, django_assert_num_queries
):
    filterset = CatalogueFilter(FILTER_SETS[6], queryset=Innovation.objects.approved())
    assert filterset.is_valid()

    with django_assert_num_queries(1):
        filterset.facet_counts()
