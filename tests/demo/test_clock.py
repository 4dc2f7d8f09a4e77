"""The demo's simulated clock: services, auto_now fields and the audit log see the
moment it is set to, and the real clock comes back afterwards."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from demo import clock
from tests.factories import SupplierFactory

MOMENT = datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC)


def test_clock_sets_now_and_localdate_and_restores_them():
    with clock.at(MOMENT):
        assert timezone.now() == MOMENT
        assert timezone.localdate() == datetime.date(2025, 3, 14)
        assert isinstance(timezone.now(), datetime.datetime)
        assert isinstance(datetime.datetime(2020, 1, 1), timezone.datetime)

    assert abs(timezone.now() - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)


def test_clock_nests_and_restores_the_outer_moment():
    later = MOMENT + datetime.timedelta(days=3)
    with clock.at(MOMENT):
        with clock.at(later):
            assert timezone.now() == later
        assert timezone.now() == MOMENT


def test_clock_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="aware"):
        with clock.at(datetime.datetime(2025, 1, 1)):
            pass


@pytest.mark.django_db
def test_rows_made_under_the_clock_are_dated_by_it():
    with clock.at(MOMENT):
        supplier = SupplierFactory()
        entry = audit_record(actor=None, action="test.clock", obj=supplier)

    supplier.refresh_from_db()
    assert supplier.created_at == MOMENT  # auto_now_add
    assert AuditEntry.objects.get(pk=entry.pk).created_at == MOMENT  # default=timezone.now
