"""Fixtures and helpers of the audit log tests."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from audit.models import AuditEntry
from tests.factories import (
    MunicipalityFactory,
    SupplierFactory,
    admin_user,
    buyer_user,
    reviewer_user,
    supplier_user,
)


def entries(since: int = 0) -> list[tuple]:
    """Every audit entry after id `since`, oldest first, as whole comparable values."""
    return [
        (e.actor_name, e.action, e.object_type, e.object_id, e.changes)
        for e in AuditEntry.objects.filter(id__gt=since).order_by("id")
    ]


def last_id() -> int:
    entry = AuditEntry.objects.order_by("-id").first()
    return entry.id if entry else 0


def js(value):
    """A value as the audit log stores it (dates and times as ISO strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code="GM0344", name="Utrecht", slug="utrecht", population=361_000)


@pytest.fixture
def supplier(db):
    return SupplierFactory(name="Zonnewijzer B.V.", slug="zonnewijzer")


@pytest.fixture
def member(supplier):
    return supplier_user(supplier, username="leverancier")


@pytest.fixture
def buyer(municipality):
    return buyer_user(municipality, username="inkoper")


@pytest.fixture
def reviewer(db):
    return reviewer_user(username="beoordelaar")


@pytest.fixture
def admin(db):
    return admin_user(username="beheerder")
