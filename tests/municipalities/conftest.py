"""Fixtures for the adoption, verification and challenge tests: one of each role around
a municipality, and an approved innovation."""

import pytest

from tests.factories import (
    InnovationFactory,
    MunicipalityFactory,
    SupplierFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(
        code="GM0344", name="Utrecht", slug="utrecht", province="Utrecht", population=361_000
    )


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(
        code="GM0307", name="Amersfoort", slug="amersfoort", province="Utrecht", population=160_000
    )


@pytest.fixture
def buyer(municipality):
    return buyer_user(municipality, username="inkoper", language="nl")


@pytest.fixture
def other_buyer(other_municipality):
    return buyer_user(other_municipality, username="inkoper-amersfoort")


@pytest.fixture
def supplier(db):
    return SupplierFactory(name="Zonnewijzer B.V.", slug="zonnewijzer")


@pytest.fixture
def supplier_member(supplier):
    return supplier_user(supplier, username="leverancier")


@pytest.fixture
def reviewer(db):
    return reviewer_user(username="beoordelaar", language="en")


@pytest.fixture
def admin(db):
    return admin_user(username="beheerder")


@pytest.fixture
def innovation(supplier):
    return InnovationFactory(
        supplier=supplier,
        slug="slimme-lantaarnpalen",
        title="Slimme lantaarnpalen",
        domains=["energy"],
    )
