import datetime

import pytest
from django.db.models import Count, F
from django.utils import timezone

from municipalities import demo
from municipalities.access import buyer_municipality
from municipalities.models import (
    Adoption,
    AdoptionStageChange,
    BuyerMembership,
    Challenge,
    ChallengeResponse,
    Evaluation,
)
from municipalities.selectors import open_challenges, used_by_similar_municipalities
from tests.factories import InnovationFactory, SupplierFactory, UserFactory, supplier_user

DOMAINS = ["energy", "care", "mobility", "circular-economy", "climate-adaptation", "safety"]


@pytest.fixture
def catalogue(reference_municipalities):
    """Twelve approved innovations of six suppliers, as innovations.demo would leave them."""
    suppliers = [SupplierFactory() for _ in range(6)]
    for supplier in suppliers:
        supplier_user(supplier)
    return [
        InnovationFactory(supplier=suppliers[n % 6], domains=[DOMAINS[n % 6]]) for n in range(12)
    ]


def _counts():
    return (
        Adoption.objects.count(),
        AdoptionStageChange.objects.count(),
        Evaluation.objects.count(),
        Challenge.objects.count(),
        ChallengeResponse.objects.count(),
        BuyerMembership.objects.count(),
    )


def test_demo_seeds_adoptions_in_every_state_and_is_idempotent(catalogue):
    UserFactory(username="beoordelaar")
    demo.seed()
    first = _counts()

    demo.seed()

    assert _counts() == first
    adoptions = Adoption.objects.all()
    assert adoptions.count() >= 60
    assert set(adoptions.values_list("stage", flat=True)) == {
        "pilot",
        "implemented",
        "scaled",
        "ended",
    }
    assert set(adoptions.values_list("verification", flat=True)) == {
        "verified",
        "claimed",
        "rejected",
    }
    assert adoptions.filter(verification="verified").count() > adoptions.count() / 2
    assert set(adoptions.values_list("municipality__country", flat=True)) == {"NL", "BE"}
    assert adoptions.values("municipality").distinct().count() >= 25
    assert Evaluation.objects.count() >= 10
    # every adoption has a history that ends in its current stage at its current date
    assert not adoptions.annotate(n=Count("stage_changes")).filter(n=0).exists()
    for adoption in adoptions.prefetch_related("stage_changes"):
        last = list(adoption.stage_changes.all())[-1]
        assert (last.to_stage, last.stage_since) == (adoption.stage, adoption.stage_since)
    today = timezone.localdate()
    assert not adoptions.filter(stage_since__gt=today).exists()
    assert not adoptions.filter(started_on__lt=datetime.date(2000, 1, 1)).exists()
    assert not adoptions.filter(stage_since__lt=F("started_on")).exists()
    assert not adoptions.filter(verification="rejected", verification_note="").exists()


def test_demo_gives_the_demo_buyer_something_on_every_section(catalogue):
    demo.seed()

    inkoper = type(catalogue[0].supplier.members.first().user).objects.get(username="inkoper")
    utrecht = buyer_municipality(inkoper)
    own = Adoption.objects.filter(municipality=utrecht)
    assert utrecht.code == "GM0344"
    assert {"verified", "claimed", "rejected"} <= set(own.values_list("verification", flat=True))
    assert len(used_by_similar_municipalities(utrecht)) > 0
    assert open_challenges().filter(municipality=utrecht).count() == 2
    assert open_challenges().count() >= 6
    assert ChallengeResponse.objects.filter(challenge__municipality=utrecht).exists()


def test_demo_without_approved_innovations_skips_gracefully(reference_municipalities):
    demo.seed()

    assert (Adoption.objects.count(), Challenge.objects.count()) == (0, 0)
