"""Sign-up confirmed by mail (portal.signup): the account is inactive until the link in the
mail is followed; an address that has an account gets "you already have an account"
instead. That both answer alike is tests/security/test_signup_enumeration.py's."""

import logging
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from audit import outbox
from audit.models import AuditEntry
from innovations.models import Supplier
from municipalities.models import BuyerMembership
from portal.signup import confirmation_token
from tests.factories import PASSWORD, MunicipalityFactory, UserFactory
from tests.portal.test_accounts import STRONG, buyer_form, supplier_form

pytestmark = pytest.mark.django_db

User = get_user_model()
LINK = re.compile(r"https?://[^/\s]+(/(?:en|nl)/accounts/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    """Run the outbox's after-commit tasks at once (the test's transaction never commits)."""
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


def confirmation_link(message) -> str:
    return LINK.search(message.body).group(1)


def log_in(client, username, password=STRONG):
    return client.post("/en/accounts/login/", {"username": username, "password": password})


def test_supplier_confirms_by_the_mailed_link_then_logs_in_with_the_address(client):
    client.post("/en/accounts/register/", supplier_form())
    [message] = mail.outbox
    link = confirmation_link(message)

    before = log_in(client, "anouk@groenegevel.example")
    page = client.get(link)
    active_after_opening = User.objects.get().is_active
    confirmed = client.post(link, follow=True)
    after = log_in(client, "anouk@groenegevel.example")

    assert (message.to, message.subject) == (
        ["anouk@groenegevel.example"],
        "Confirm your Koploper account",
    )
    assert message.body.startswith("Hello Anouk Visser,")
    assert "The link works for 3 days." in message.body
    assert message.alternatives[0][0].count(link) == 2  # the button and the address
    assert before.status_code == 400
    assert page.status_code == 200
    assert "Confirm that anouk@groenegevel.example is your e-mail address." in (
        page.content.decode()
    )
    assert active_after_opening is False  # opening the page changes nothing
    assert confirmed.redirect_chain == [("/en/accounts/login/", 302)]
    assert "Your e-mail address is confirmed. Log in to start." in [
        str(m) for m in confirmed.context["messages"]
    ]
    assert (after.status_code, after.url) == (302, "/en/dashboard/")
    user = User.objects.get()
    assert (user.is_active, user.awaiting_confirmation) == (True, False)
    assert list(
        AuditEntry.objects.filter(action="user.confirm").values_list("object_id", "changes")
    ) == [
        (
            str(user.pk),
            {"is_active": [False, True], "awaiting_confirmation": [True, False]},
        )
    ]


@pytest.mark.translated
def test_buyer_confirms_and_the_request_waits_for_an_administrator(client):
    utrecht = MunicipalityFactory(name="Utrecht")
    client.post("/en/accounts/register/buyer/", buyer_form(utrecht))
    [message] = mail.outbox

    client.post(confirmation_link(message))
    log_in(client, "r.smit@utrecht.example")
    dashboard = client.get("/en/dashboard/").content.decode()

    assert message.subject == "Bevestig uw Koploper-account"  # the form chose Dutch
    assert "/nl/accounts/confirm/" in message.body
    assert BuyerMembership.objects.get().user.is_active
    assert "to join Utrecht as a buyer awaits an administrator's decision." in dashboard


def test_login_before_confirming_says_why_only_with_the_right_password(client):
    client.post("/en/accounts/register/", supplier_form())

    wrong = log_in(client, "anouk@groenegevel.example", "not-the-password")
    right = log_in(client, "anouk@groenegevel.example")

    assert wrong.context["form"].non_field_errors() == [
        "Please enter a correct e-mail address or username and password. Note that the "
        "password is case-sensitive."
    ]
    assert right.context["form"].non_field_errors() == [
        "Your account is not confirmed yet. Follow the link in the e-mail we sent you when "
        "you signed up. No e-mail, or has the link expired? Sign up again with the same "
        "address: we send you a new link."
    ]
    assert "_auth_user_id" not in client.session


def test_a_second_signup_before_confirming_mails_a_new_link_and_makes_nothing(client):
    client.post("/en/accounts/register/", supplier_form())
    again = client.post(
        "/en/accounts/register/",
        supplier_form(registration_number="87654321", organisation_name="Ander B.V."),
    )

    assert again.url == "/en/accounts/register/sent/"
    assert [m.subject for m in mail.outbox] == ["Confirm your Koploper account"] * 2
    assert (User.objects.count(), Supplier.objects.count()) == (1, 1)
    assert client.post(confirmation_link(mail.outbox[1])).url == "/en/accounts/login/"
    assert User.objects.get().is_active


def test_the_link_works_once(client):
    client.post("/en/accounts/register/", supplier_form())
    link = confirmation_link(mail.outbox[0])
    client.post(link)

    again = client.post(link)

    assert again.status_code == 400
    assert "This link does not work: it was used already or it has expired." in (
        again.content.decode()
    )


def test_the_link_expires_after_three_days(client, monkeypatch):
    client.post("/en/accounts/register/", supplier_form())
    link = confirmation_link(mail.outbox[0])
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3 * 86400 + 60)

    response = client.post(link)

    assert response.status_code == 400
    assert User.objects.get().is_active is False


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "eyJ1c2VyIjoxfQ:1vQ:forged", "%00", "x" * 300],
)
def test_a_forged_link_activates_nothing(client, token):
    client.post("/en/accounts/register/", supplier_form())

    page = client.get(f"/en/accounts/confirm/{token}/")
    post = client.post(f"/en/accounts/confirm/{token}/")

    assert (page.status_code, post.status_code) in [((200, 400)), ((400, 400))]
    assert User.objects.get().is_active is False


def test_a_deactivated_account_is_not_activated_by_a_link(client):
    # An administrator's deactivation is not a sign-up awaiting confirmation.
    user = UserFactory(is_active=False)

    response = client.post(f"/en/accounts/confirm/{confirmation_token(user)}/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.is_active is False


def test_the_existing_account_gets_links_to_log_in_and_to_reset(client, settings):
    settings.KOPLOPER_BASE_URL = "https://koploper.example.nl"
    UserFactory(email="anouk@groenegevel.example", first_name="Anouk", language="en")

    client.post("/en/accounts/register/", supplier_form())

    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["anouk@groenegevel.example"],
        "You already have a Koploper account",
    )
    assert "https://koploper.example.nl/en/accounts/login/" in message.body
    assert "https://koploper.example.nl/en/accounts/password-reset/" in message.body
    assert "We made no new account." in message.body
    assert (User.objects.count(), Supplier.objects.count()) == (1, 0)


@pytest.mark.translated
def test_the_existing_account_is_written_to_in_its_own_language(client):
    UserFactory(email="anouk@groenegevel.example", language="nl")

    client.post("/en/accounts/register/", supplier_form(language="en"))

    [message] = mail.outbox
    assert message.subject == "U hebt al een Koploper-account"
    assert "/nl/accounts/password-reset/" in message.body


def test_a_closed_account_is_told_it_is_closed_and_whom_to_write_to(client, settings):
    settings.KOPLOPER_CONTACT_EMAIL = "helpdesk@koploper.example.nl"
    UserFactory(email="closed@example.org", is_active=False, language="en")

    closed = client.post("/en/accounts/register/", supplier_form(email="closed@example.org"))
    new = client.post(
        "/en/accounts/register/",
        supplier_form(email="new@example.org", registration_number="87654321"),
    )

    # The visitor sees what every sign-up sees (tests/security/test_signup_enumeration.py).
    assert (closed.status_code, closed.url) == (new.status_code, new.url)
    message = next(m for m in mail.outbox if m.to == ["closed@example.org"])
    assert message.subject == "Your Koploper account is closed"
    assert "belongs to an account that has been closed" in message.body
    assert "write to helpdesk@koploper.example.nl." in message.body
    assert "helpdesk@koploper.example.nl" in message.alternatives[0][0]
    assert "/accounts/login/" not in message.body
    assert "/accounts/password-reset/" not in message.body
    assert User.objects.filter(email="closed@example.org", is_active=False).count() == 1


@pytest.mark.translated
def test_a_closed_account_is_told_in_dutch(client, settings):
    settings.KOPLOPER_CONTACT_EMAIL = "helpdesk@koploper.example.nl"
    UserFactory(email="closed@example.org", is_active=False, language="nl")

    client.post("/en/accounts/register/", supplier_form(email="closed@example.org"))

    [message] = mail.outbox
    assert message.subject == "Uw Koploper-account is gesloten"
    assert "Het hoort bij een account dat is gesloten." in message.body
    assert "Schrijf dan naar helpdesk@koploper.example.nl." in message.body


def test_an_older_account_logs_in_with_its_username_or_its_address(client):
    UserFactory(username="marit", email="Marit@Example.org")

    by_name = log_in(client, "marit", PASSWORD)
    client.logout()
    by_address = log_in(client, "marit@example.org", PASSWORD)

    assert (by_name.url, by_address.url) == ("/en/dashboard/", "/en/dashboard/")


def test_the_login_label_names_both(client):
    content = client.get("/en/accounts/login/").content.decode()

    assert re.search(r'<label[^>]*for="id_username"[^>]*>\s*E-mail address or username', content)


def test_signup_and_confirmation_are_in_the_security_log(client, caplog):
    caplog.set_level(logging.INFO, logger="koploper.security")
    UserFactory(email="known@example.org")

    client.post("/en/accounts/register/", supplier_form(), REMOTE_ADDR="192.0.2.7")
    client.post(
        "/en/accounts/register/",
        supplier_form(email="known@example.org", registration_number="87654321"),
        REMOTE_ADDR="192.0.2.7",
    )
    client.post(confirmation_link(mail.outbox[0]), REMOTE_ADDR="192.0.2.8")

    assert [r.getMessage() for r in caplog.records if r.name == "koploper.security"] == [
        "sign-up: new_account=True ip=192.0.2.7 path=/en/accounts/register/",
        "sign-up: new_account=False ip=192.0.2.7 path=/en/accounts/register/",
        "account confirmed: user=anouk@groenegevel.example ip=192.0.2.8",
    ]
    assert STRONG not in caplog.text
