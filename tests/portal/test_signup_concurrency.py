"""Two sign-ups for one address at the same moment, with two real connections: both get the
"check your mail" answer, one account is made, and both mails go out through the outbox
(the loser's as for any known address). Both check the address before either creates it,
so the loser's insert hits the unique address, which portal.signup catches."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client

from audit.models import OutgoingMail
from innovations.models import Supplier
from portal import signup
from tests.portal.test_accounts import supplier_form

# On SQLite the tests' in-memory database refuses a second writer outright ("table is
# locked", a shared-cache lock no busy timeout waits for); the embedded default's file is
# tested through a real server in tests/reliability/test_sqlite_locking.py.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_signups_for_one_address_at_once_make_one_account(monkeypatch):
    both_checked = threading.Barrier(2)
    account_exists = signup.account_exists

    def checked_together(email):
        found = account_exists(email)
        try:
            # Both look before either creates (SQLite: the second waits for the lock).
            both_checked.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(signup, "account_exists", checked_together)
    answers = [None, None]

    def sign_up(index, number):
        try:
            response = Client().post(
                "/en/accounts/register/",
                supplier_form(registration_number=number),
                REMOTE_ADDR=f"192.0.2.{index + 40}",
            )
            answers[index] = (response.status_code, response.get("Location"))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign_up, args=(i, number))
        for i, number in enumerate(["12345678", "87654321"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == [(302, "/en/accounts/register/sent/")] * 2
    assert get_user_model().objects.filter(email="anouk@groenegevel.example").count() == 1
    assert Supplier.objects.count() == 1
    assert OutgoingMail.objects.filter(task="portal.send_signup_mail").count() == 2
    assert sorted(m.subject for m in mail.outbox) == ["Confirm your Koploper account"] * 2
