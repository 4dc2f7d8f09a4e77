"""Two cleanups at once, with two real connections: each expired sign-up is removed once
(one audit entry each), neither run fails, and the second finds the rows gone."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from innovations.models import Supplier
from portal import signup_cleanup
from portal.services import supplier_signup
from tests.portal.test_accounts import STRONG

# On SQLite the tests' in-memory database refuses a second writer outright ("table is
# locked"); there every transaction takes the write lock anyway (BEGIN IMMEDIATE).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_cleanups_at_once_remove_each_signup_once(monkeypatch):
    for i, number in enumerate(["12345678", "87654321", "11223344"]):
        supplier_signup(
            username=f"s{i}@example.org",
            email=f"s{i}@example.org",
            password=STRONG,
            first_name="A",
            last_name="B",
            language="nl",
            organisation_name=f"Organisatie {i}",
            registration_number=number,
            country="NL",
            size="micro",
            awaiting_confirmation=True,
        )
    get_user_model().objects.update(date_joined=timezone.now() - datetime.timedelta(days=5))
    both_listed = threading.Barrier(2)
    remove_one = signup_cleanup.expired_signup_remove
    waited = set()

    def together(**kwargs):
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            try:
                both_listed.wait(timeout=5)  # both have listed the same accounts
            except threading.BrokenBarrierError:
                pass
        return remove_one(**kwargs)

    monkeypatch.setattr(signup_cleanup, "expired_signup_remove", together)
    results = [None, None]

    def clean(index):
        try:
            results[index] = signup_cleanup.expired_signups_remove()
        finally:
            connection.close()

    threads = [threading.Thread(target=clean, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(removed for removed, _kept in results) == 3
    assert [kept for _removed, kept in results] == [0, 0]
    assert (get_user_model().objects.count(), Supplier.objects.count()) == (0, 0)
    assert AuditEntry.objects.filter(action="user.remove_unconfirmed").count() == 3
    assert AuditEntry.objects.filter(action="supplier.remove_unconfirmed").count() == 3
