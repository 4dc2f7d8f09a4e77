"""Two reviewers reconfirm one approval at the same moment: exactly one reconfirmation is
recorded, the other reviewer gets 409 (PostgreSQL; the same race interleaved, on SQLite,
is test_vetting.test_steps_out_of_order_are_refused)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client

from innovations import vetting
from innovations.models import StatusChange
from innovations.workflow import innovation_transition
from tests.factories import InnovationFactory, SupplierFactory, reviewer_user, supplier_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_reconfirming_at_once_one_wins_the_other_gets_409():
    supplier = SupplierFactory()
    member = supplier_user(supplier)
    innovation = InnovationFactory(
        supplier=supplier,
        approved_until=datetime.date(2026, 1, 31),
        submitted_at=datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC),
    )
    innovation_transition(
        innovation=innovation, user=None, action=vetting.EXPIRE, today=datetime.date(2026, 2, 1)
    )
    innovation_transition(innovation=innovation, user=member, action=vetting.CONFIRM_CURRENT)
    clients = []
    for name in ("beoordelaar1", "beoordelaar2"):
        client = Client()
        client.force_login(reviewer_user(username=name))
        clients.append(client)
    barrier = threading.Barrier(2)
    results = [None, None]

    def reconfirm(index):
        try:
            barrier.wait(timeout=10)
            results[index] = clients[index].post(
                f"/api/v1/review/innovations/{innovation.pk}/reconfirmation",
                {"decision": "reconfirm"},
                content_type="application/json",
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=reconfirm, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(response.status_code for response in results) == [200, 409]
    innovation.refresh_from_db()
    assert innovation.reconfirmation == ""
    assert (
        StatusChange.objects.filter(
            innovation=innovation, system_note=vetting.NOTES[vetting.RECONFIRM]
        ).count()
        == 1
    )
