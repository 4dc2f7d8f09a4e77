"""Query counts of every list page and list API of adoptions and challenges: the same with
one item as with many (no N+1), and within a fixed budget."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.enums import Verification
from municipalities.models import ChallengeResponse, Evaluation
from tests.factories import (
    AdoptionFactory,
    ChallengeFactory,
    InnovationFactory,
    MunicipalityFactory,
)

MANY = 12


def _queries(client, url) -> int:
    # Both measurements start from an empty cache, so that one is not cheaper for what the
    # other left in it (the header's unread notifications count, for one).
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def _assert_constant(client, url, add_one, budget, django_assert_max_num_queries):
    add_one(0)
    with_one = _queries(client, url)
    for index in range(1, MANY):
        add_one(index)
    with django_assert_max_num_queries(budget):
        with_many = _queries(client, url)
    assert with_many == with_one


def _verified_adoption(municipality, supplier):
    def add(index):
        adoption = AdoptionFactory(
            municipality=municipality,
            innovation=InnovationFactory(supplier=supplier),
            stage=["pilot", "implemented", "scaled"][index % 3],
        )
        if index % 2:
            Evaluation.objects.create(
                adoption=adoption, goals_met="met", lessons_learned="Goed", would_recommend=True
            )

    return add


def _claimed_adoption(supplier):
    def add(index):
        AdoptionFactory(
            municipality=MunicipalityFactory(),
            innovation=InnovationFactory(supplier=supplier),
            verification=Verification.CLAIMED,
        )

    return add


def _open_challenge(municipality, innovation):
    def add(index):
        challenge = ChallengeFactory(municipality=MunicipalityFactory() if index else municipality)
        ChallengeResponse.objects.create(challenge=challenge, innovation=innovation, pitch="Wij")

    return add


# --- Pages --------------------------------------------------------------------------------


def test_verification_queue_page(client, reviewer, supplier, django_assert_max_num_queries):
    client.force_login(reviewer)

    _assert_constant(
        client,
        reverse("municipalities:verify_queue"),
        _claimed_adoption(supplier),
        10,
        django_assert_max_num_queries,
    )


def test_challenge_list_page(client, municipality, innovation, django_assert_max_num_queries):
    _assert_constant(
        client,
        reverse("municipalities:challenge_list"),
        _open_challenge(municipality, innovation),
        5,
        django_assert_max_num_queries,
    )


def test_municipality_page(client, municipality, supplier, django_assert_max_num_queries):
    def add(index):
        _verified_adoption(municipality, supplier)(index)
        ChallengeFactory(municipality=municipality)

    _assert_constant(
        client,
        reverse("municipalities:detail", args=[municipality.slug]),
        add,
        9,
        django_assert_max_num_queries,
    )


def test_municipality_page_lists_every_adoption_in_pages(
    client, municipality, supplier, monkeypatch, django_assert_max_num_queries
):
    from municipalities import views

    monkeypatch.setattr(views, "ADOPTIONS_PER_PAGE", 5)
    add = _verified_adoption(municipality, supplier)
    for index in range(MANY):
        add(index)
    url = reverse("municipalities:detail", args=[municipality.slug])

    pages = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(9):
            response = client.get(url, {"page": number})
        pages.append(response.context["adoptions"])

    listed = [adoption.pk for page in pages for adoption in page.object_list]
    # Every verified adoption once, the most advanced first (scaled, implemented, pilot).
    assert sorted(listed) == sorted(municipality.adoptions.values_list("pk", flat=True))
    stages = [a.stage for page in pages for a in page.object_list]
    assert stages == sorted(stages, key=["scaled", "implemented", "pilot"].index)
    assert pages[0].paginator.count == MANY
    assert "?page=2#adoptions-heading" in client.get(url).content.decode()


def test_my_municipality_page(client, buyer, municipality, supplier, django_assert_max_num_queries):
    client.force_login(buyer)

    def add(index):
        _verified_adoption(municipality, supplier)(index)
        ChallengeFactory(municipality=municipality)
        AdoptionFactory(
            municipality=MunicipalityFactory(province="Utrecht"),
            innovation=InnovationFactory(supplier=supplier),
        )

    _assert_constant(client, reverse("municipalities:mine"), add, 12, django_assert_max_num_queries)


def test_dashboard_section(client, buyer, municipality, supplier, django_assert_max_num_queries):
    client.force_login(buyer)

    def add(index):
        AdoptionFactory(
            municipality=municipality,
            innovation=InnovationFactory(supplier=supplier),
            verification=Verification.CLAIMED,
        )
        ChallengeFactory(municipality=municipality)
        AdoptionFactory(
            municipality=MunicipalityFactory(province="Utrecht"),
            innovation=InnovationFactory(supplier=supplier),
        )

    _assert_constant(client, reverse("dashboard"), add, 30, django_assert_max_num_queries)


def test_challenge_page_with_answers_and_suggestions(
    client, buyer, municipality, supplier, django_assert_max_num_queries
):
    challenge = ChallengeFactory(municipality=municipality, domain="energy")
    client.force_login(buyer)

    def add(index):
        innovation = InnovationFactory(supplier=supplier, domains=["energy", "care"])
        ChallengeResponse.objects.create(challenge=challenge, innovation=innovation, pitch="Wij")
        AdoptionFactory(municipality=MunicipalityFactory(province="Utrecht"), innovation=innovation)

    # 14: the suggestions look up their words' document counts in the search vocabulary
    # (one query, to start from the most specific words: municipalities/matchmaking.py).
    _assert_constant(
        client,
        reverse("municipalities:challenge_detail", args=[challenge.pk]),
        add,
        14,
        django_assert_max_num_queries,
    )


def test_innovation_adopters_panel(client, buyer, innovation, django_assert_max_num_queries):
    client.force_login(buyer)

    def add(index):
        adoption = AdoptionFactory(innovation=innovation, stage="scaled" if index % 2 else "pilot")
        Evaluation.objects.create(
            adoption=adoption, goals_met="partly", lessons_learned="Leerzaam", would_recommend=True
        )

    _assert_constant(
        client,
        reverse("innovations:detail", args=[innovation.slug]),
        add,
        30,
        django_assert_max_num_queries,
    )


# --- API lists ----------------------------------------------------------------------------


def test_adoption_list_api(client, buyer, municipality, supplier, django_assert_max_num_queries):
    client.force_login(buyer)  # a buyer also sees the contacts

    _assert_constant(
        client,
        "/api/v1/adoptions",
        _verified_adoption(municipality, supplier),
        7,
        django_assert_max_num_queries,
    )


def test_adoption_list_api_filtered(client, municipality, supplier, django_assert_max_num_queries):
    _assert_constant(
        client,
        "/api/v1/adoptions?municipality=GM0344&stage=pilot&province=NL-UT",
        _verified_adoption(municipality, supplier),
        6,
        django_assert_max_num_queries,
    )


def test_verification_queue_api(client, reviewer, supplier, django_assert_max_num_queries):
    client.force_login(reviewer)

    _assert_constant(
        client,
        "/api/v1/review/adoptions",
        _claimed_adoption(supplier),
        10,
        django_assert_max_num_queries,
    )


def test_challenge_list_api(client, municipality, innovation, django_assert_max_num_queries):
    _assert_constant(
        client,
        "/api/v1/challenges",
        _open_challenge(municipality, innovation),
        4,
        django_assert_max_num_queries,
    )


def test_challenge_responses_api(
    client, buyer, municipality, supplier, django_assert_max_num_queries
):
    challenge = ChallengeFactory(municipality=municipality)
    client.force_login(buyer)

    def add(index):
        ChallengeResponse.objects.create(
            challenge=challenge, innovation=InnovationFactory(supplier=supplier), pitch="Wij"
        )

    _assert_constant(
        client,
        f"/api/v1/challenges/{challenge.pk}/responses",
        add,
        8,
        django_assert_max_num_queries,
    )


def test_suggestions_api(client, municipality, supplier, django_assert_max_num_queries):
    challenge = ChallengeFactory(municipality=municipality, domain="energy")

    def add(index):
        innovation = InnovationFactory(supplier=supplier, domains=["energy"])
        AdoptionFactory(municipality=MunicipalityFactory(province="Utrecht"), innovation=innovation)

    _assert_constant(
        client,
        f"/api/v1/challenges/{challenge.pk}/suggestions",
        add,
        6,
        django_assert_max_num_queries,
    )
