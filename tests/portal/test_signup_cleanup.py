"""Sign-ups never confirmed are removed once their link expired (portal.signup_cleanup), with
the organisation or request only they made; nothing another user relies on is touched."""

import datetime
import logging
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit import outbox
from audit.models import AuditEntry
from innovations.models import Supplier, SupplierMember
from municipalities.models import BuyerMembership, Municipality, ShortlistItem
from portal.schedule import BEAT_SCHEDULE
from portal.signup_cleanup import expired_signups_remove
from portal.tasks import remove_expired_signups
from tests.factories import InnovationFactory, MunicipalityFactory, UserFactory, admin_user
from tests.portal.test_accounts import buyer_form, supplier_form
from tests.portal.test_signup import confirmation_link

pytestmark = pytest.mark.django_db

User = get_user_model()
EXPIRED = datetime.timedelta(days=3 + 1, minutes=1)  # SIGNUP_CONFIRM_DAYS and SIGNUP_GRACE_DAYS
IN_GRACE = datetime.timedelta(days=3 + 1, minutes=-1)


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    """Run the outbox's after-commit tasks at once (the test's transaction never commits)."""
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


def later(delta):
    return timezone.now() + delta


def sign_up_supplier(client, **overrides):
    client.post("/en/accounts/register/", supplier_form(**overrides))
    return User.objects.get(email=overrides.get("email", "anouk@groenegevel.example"))


def test_an_expired_supplier_signup_goes_with_its_organisation(client, caplog):
    caplog.set_level(logging.INFO, logger="koploper.security")
    user = sign_up_supplier(client)
    supplier = Supplier.objects.get()
    member = SupplierMember.objects.get()

    assert expired_signups_remove(now=later(EXPIRED)) == (1, 0)

    assert (User.objects.count(), Supplier.objects.count(), SupplierMember.objects.count()) == (
        0,
        0,
        0,
    )
    removals = AuditEntry.objects.filter(actor=None).exclude(action="supplier.create")
    assert sorted(removals.values_list("action", "object_id")) == [
        ("supplier.remove_unconfirmed", str(supplier.pk)),
        ("supplier_member.remove", str(member.pk)),
        ("user.remove_unconfirmed", str(user.pk)),
    ]
    entry = AuditEntry.objects.get(action="user.remove_unconfirmed")
    assert entry.changes["email"] == ["anouk@groenegevel.example", None]
    assert AuditEntry.objects.get(action="supplier.remove_unconfirmed").changes[
        "registration_number"
    ] == ["12345678", None]
    assert (
        "unconfirmed sign-up removed: user=anouk@groenegevel.example organisation_removed=True"
        in [r.getMessage() for r in caplog.records]
    )


def test_an_expired_buyer_signup_goes_with_its_request(client):
    utrecht = MunicipalityFactory(name="Utrecht")
    client.post("/en/accounts/register/buyer/", buyer_form(utrecht))
    request = BuyerMembership.objects.get()

    assert expired_signups_remove(now=later(EXPIRED)) == (1, 0)

    assert (User.objects.count(), BuyerMembership.objects.count()) == (0, 0)
    assert Municipality.objects.filter(pk=utrecht.pk).exists()
    assert AuditEntry.objects.filter(
        action="buyer_membership.remove", object_id=str(request.pk)
    ).exists()


def test_a_fresh_signup_stays_through_its_days_and_the_grace(client):
    sign_up_supplier(client)

    assert expired_signups_remove(now=later(IN_GRACE)) == (0, 0)
    assert (User.objects.count(), Supplier.objects.count()) == (1, 1)


def test_the_grace_is_a_setting(client, settings):
    """SIGNUP_GRACE_DAYS: 0 removes a sign-up as soon as its link expired, never before."""
    settings.SIGNUP_GRACE_DAYS = 0
    sign_up_supplier(client)

    assert expired_signups_remove(now=later(datetime.timedelta(days=3, minutes=-1))) == (0, 0)
    assert expired_signups_remove(now=later(datetime.timedelta(days=3, minutes=1))) == (1, 0)


def test_a_new_link_starts_the_days_again(client):
    user = sign_up_supplier(client)
    User.objects.filter(pk=user.pk).update(date_joined=later(-datetime.timedelta(days=10)))
    client.post("/en/accounts/register/", supplier_form())  # "send me a new link"

    assert expired_signups_remove(now=later(IN_GRACE)) == (0, 0)
    assert expired_signups_remove(now=later(EXPIRED)) == (1, 0)


def test_a_confirmed_account_stays(client):
    sign_up_supplier(client)
    client.post(confirmation_link(mail.outbox[0]))

    assert expired_signups_remove(now=later(datetime.timedelta(days=400))) == (0, 0)
    assert User.objects.get().is_active


def test_a_deactivated_account_stays(client):
    # An administrator's deactivation is not a sign-up awaiting confirmation.
    UserFactory(is_active=False, date_joined=later(-datetime.timedelta(days=400)))

    assert expired_signups_remove() == (0, 0)
    assert User.objects.count() == 1


def test_an_organisation_with_another_member_stays_and_the_account_goes(client):
    sign_up_supplier(client)
    supplier = Supplier.objects.get()
    colleague = UserFactory()
    SupplierMember.objects.create(supplier=supplier, user=colleague)

    assert expired_signups_remove(now=later(EXPIRED)) == (1, 0)

    assert list(supplier.members.values_list("user", flat=True)) == [colleague.pk]
    assert list(User.objects.values_list("pk", flat=True)) == [colleague.pk]


def test_an_organisation_with_an_innovation_stays(client):
    sign_up_supplier(client)
    supplier = Supplier.objects.get()
    InnovationFactory(supplier=supplier)

    assert expired_signups_remove(now=later(EXPIRED)) == (1, 0)

    assert Supplier.objects.get().innovations.count() == 1
    assert User.objects.count() == 0


def test_an_account_something_else_refers_to_is_kept(client, caplog):
    caplog.set_level(logging.INFO, logger="koploper.security")
    user = sign_up_supplier(client)
    ShortlistItem.objects.create(user=user, innovation=InnovationFactory())

    assert expired_signups_remove(now=later(EXPIRED)) == (0, 1)

    assert User.objects.filter(pk=user.pk).exists()
    assert Supplier.objects.filter(members__user=user).exists()
    assert "unconfirmed sign-up kept, in use: user=anouk@groenegevel.example" in [
        r.getMessage() for r in caplog.records
    ]


def test_running_twice_is_harmless(client):
    sign_up_supplier(client)
    now = later(EXPIRED)

    first = expired_signups_remove(now=now)
    entries = AuditEntry.objects.count()
    second = expired_signups_remove(now=now)

    assert (first, second) == ((1, 0), (0, 0))
    assert AuditEntry.objects.count() == entries


def test_the_same_address_and_number_can_sign_up_again_after_the_cleanup(client):
    sign_up_supplier(client)
    expired_signups_remove(now=later(EXPIRED))
    mail.outbox.clear()

    response = client.post("/en/accounts/register/", supplier_form())

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Confirm your Koploper account"
    client.post(confirmation_link(message))
    user = User.objects.get()
    assert (user.is_active, user.supplier_membership.supplier.registration_number) == (
        True,
        "12345678",
    )


def test_the_command_and_the_daily_task(client):
    user = sign_up_supplier(client)
    User.objects.filter(pk=user.pk).update(
        date_joined=later(-EXPIRED), confirmation_sent_at=later(-EXPIRED)
    )
    out = StringIO()

    call_command("remove_expired_signups", stdout=out)

    assert (
        out.getvalue() == "1 unconfirmed sign-ups removed, 0 kept (in use: see the security log).\n"
    )
    assert remove_expired_signups() == (0, 0)
    assert BEAT_SCHEDULE["remove-expired-signups"]["task"] == "portal.remove_expired_signups"


def test_the_administrator_sees_when_the_last_link_was_sent_and_cannot_change_it(client):
    user = sign_up_supplier(client)
    client.force_login(admin_user())

    page = client.get(reverse("admin:portal_user_change", args=[user.pk])).content.decode()

    assert "Confirmation link sent" in page
    assert 'name="confirmation_sent_at"' not in page
