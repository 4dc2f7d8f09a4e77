"""Fixtures of the alerts tests: a buyer, a supplier with a published innovation, a
reviewer, and helpers that publish and adopt through the real services (the collector
reads what the services record)."""

import datetime

import pytest
from django.utils import timezone

from alerts.insight.counters import counters
from innovations.enums import Status
from innovations.workflow import APPROVE, CLAIM, SUBMIT, innovation_transition
from municipalities.adoptions import adoption_record, adoption_verify
from tests.factories import (
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    buyer_user,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import SCORES

BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    original = settings.REDIS_URL
    counters().clear()
    yield
    settings.REDIS_URL = original  # a test may point it elsewhere
    counters().clear()


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="GM0344", name="Utrecht", slug="utrecht", population=361_000)


@pytest.fixture
def buyer(municipality):
    return buyer_user(municipality, username="inkoper", email="inkoper@example.org", language="nl")


@pytest.fixture
def supplier(db):
    return SupplierFactory(name="Zonnewijzer B.V.", slug="zonnewijzer")


@pytest.fixture
def supplier_member(supplier):
    return supplier_user(supplier, username="leverancier", email="lev@example.org", language="en")


@pytest.fixture
def reviewer(db):
    return reviewer_user(username="beoordelaar", language="en")


@pytest.fixture
def innovation(supplier):
    return InnovationFactory(
        supplier=supplier,
        slug="slimme-lantaarnpalen",
        title="Slimme lantaarnpalen",
        domains=["energy"],
    )


def publish(innovation, reviewer):
    """Take a draft through submit, claim and approve: the status history the digests and
    the collector read."""
    member = supplier_user(innovation.supplier)
    innovation_transition(innovation=innovation, user=member, action=SUBMIT, notify=False)
    innovation_transition(innovation=innovation, user=reviewer, action=CLAIM, notify=False)
    return innovation_transition(
        innovation=innovation, user=reviewer, action=APPROVE, scores=SCORES, notify=False
    )


def draft(supplier, **kwargs):
    return InnovationFactory(supplier=supplier, status=Status.DRAFT, published_at=None, **kwargs)


def adopt(innovation, municipality, reviewer, *, stage="pilot", verify=True):
    """A municipality's buyer claims the adoption, a reviewer verifies it."""
    claimant = buyer_user(municipality)
    adoption = adoption_record(
        user=claimant,
        municipality=municipality,
        innovation=innovation,
        stage=stage,
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    if verify:
        adoption = adoption_verify(user=reviewer, adoption=adoption, decision="verify")
    return adoption
