"""Password reset mails are limited (ASVS V2.5, V11.1.4): at most PASSWORD_RESET_LIMIT an
hour per client address and per e-mail address, answered with a 429 that looks the same
whether or not the address has an account."""

import re

import pytest
from django.core import mail

from audit import outbox
from audit.models import OutgoingMail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    """Run the outbox's after-commit tasks at once (the test's transaction never commits)."""
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


RESET = "/en/accounts/password-reset/"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LIMITED = "Too many requests for a new password from here or for this address."


def ask(client, email, ip="192.0.2.20"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_the_sixth_request_for_one_address_within_the_hour_is_refused(client, settings):
    settings.PASSWORD_RESET_LIMIT = 5
    user = UserFactory(email="marit@example.org")

    answers = [ask(client, user.email, ip=f"192.0.2.{n}").status_code for n in range(5)]
    sixth = ask(client, user.email, ip="192.0.2.99")

    assert answers == [302] * 5
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "3600"
    assert LIMITED in sixth.content.decode()
    assert len(mail.outbox) == 5


def test_one_client_address_cannot_ask_for_many_accounts(client, settings):
    settings.PASSWORD_RESET_LIMIT = 5
    users = [UserFactory(email=f"user{n}@example.org") for n in range(6)]

    answers = [ask(client, user.email).status_code for user in users]

    assert answers == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_the_refusal_does_not_tell_whether_an_account_exists(client, settings):
    settings.PASSWORD_RESET_LIMIT = 1
    UserFactory(email="known@example.org")
    ask(client, "known@example.org", ip="192.0.2.1")
    ask(client, "nobody@example.org", ip="192.0.2.2")

    known = ask(client, "known@example.org", ip="192.0.2.3")
    unknown = ask(client, "nobody@example.org", ip="192.0.2.4")

    assert (known.status_code, unknown.status_code) == (429, 429)

    def page(response, email):
        text = CSRF_TOKEN.sub("", response.content.decode())
        return text.replace(email, "")

    assert page(known, "known@example.org") == page(unknown, "nobody@example.org")


def test_within_the_limit_a_reset_still_sends_its_link(client):
    user = UserFactory(email="anna@example.org")

    response = ask(client, user.email)

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]


def test_the_request_only_queues_the_mail_alike_for_known_and_unknown_addresses(
    client, monkeypatch
):
    """The reset mail used to be sent inside the request: its timing told known addresses
    from unknown ones. Now the request writes one outbox row either way; the worker mails."""
    UserFactory(email="known@example.org")
    queued = []
    monkeypatch.setattr(outbox.transaction, "on_commit", queued.append)

    known = ask(client, "known@example.org")
    unknown = ask(client, "nobody@example.org")

    assert (known.status_code, known.url) == (302, unknown.url)
    assert mail.outbox == []
    assert list(OutgoingMail.objects.order_by("id").values_list("task", "kwargs")) == [
        ("portal.send_password_reset", {"email": "known@example.org"}),
        ("portal.send_password_reset", {"email": "nobody@example.org"}),
    ]
    for send in queued:
        send()
    assert [message.to for message in mail.outbox] == [["known@example.org"]]
    assert OutgoingMail.objects.filter(sent_at__isnull=True).count() == 0
