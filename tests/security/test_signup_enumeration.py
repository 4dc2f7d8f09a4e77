"""Sign-up does not tell whether an e-mail address has an account (issue 18 item 10; ASVS
V2.2/V3: no account enumeration). A new address and a known one get the same answer (the
same redirect to the same "check your mail" page, the same headers, the same outbox row,
the same number of password hashes), and sign-up mails are limited like password reset
mails: SIGNUP_MAIL_LIMIT an hour per client address and per e-mail address (429)."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from audit import outbox
from audit.models import OutgoingMail
from tests.factories import MunicipalityFactory, UserFactory
from tests.portal.test_accounts import buyer_form, supplier_form

pytestmark = pytest.mark.django_db

SIGNUP = "/en/accounts/register/"
BUYER_SIGNUP = "/en/accounts/register/buyer/"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
# Headers that differ between any two answers (none of them depends on the address). The
# addresses have the same length, so that the length of a page that repeats one does not.
VOLATILE_HEADERS = {"Date", "Set-Cookie"}
LIMITED = "Too many sign-ups from here or for this address. Try again in an hour."


@pytest.fixture(autouse=True)
def _mail_after_commit(monkeypatch):
    monkeypatch.setattr(outbox.transaction, "on_commit", lambda func, *args, **kwargs: func())


def answer(response, *typed: str) -> tuple:
    """What a visitor can observe of an answer, what they typed (the address) taken out."""
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE_HEADERS}
    body = CSRF_TOKEN.sub("", response.content.decode())
    for value in typed:
        body = body.replace(value, "TYPED")
    cookies = sorted(response.cookies)
    return response.status_code, headers, cookies, body


def sign_up_and_follow(client, path, data, ip="192.0.2.30"):
    """The answer to the POST and to the page it leads to, in a fresh session."""
    client.cookies.clear()
    first = client.post(path, data, REMOTE_ADDR=ip)
    location = first.headers.get("Location")
    then = client.get(location, REMOTE_ADDR=ip) if location else None
    return first, then


EXISTING = {
    "active": {},
    "awaiting confirmation": {"is_active": False, "awaiting_confirmation": True},
    "deactivated": {"is_active": False},
    "username is the address": {
        "username": "known@example.org",
        "email": "someone-else@example.org",
    },
}


def existing_account(kind: str):
    """An account that the address known@example.org already has, of one kind."""
    return UserFactory(**{"email": "known@example.org", **EXISTING[kind]})


@pytest.mark.parametrize("form", ["supplier", "buyer"])
@pytest.mark.parametrize("kind", list(EXISTING))
def test_a_known_address_gets_the_same_answer_as_a_new_one(client, form, kind):
    """Fails if anything a visitor sees (status, headers, cookies, the page it leads to)
    tells a known address from a new one."""
    municipality = MunicipalityFactory()

    def data(email, number):
        if form == "supplier":
            return supplier_form(email=email, registration_number=number)
        return buyer_form(municipality, email=email)

    path = SIGNUP if form == "supplier" else BUYER_SIGNUP
    existing_account(kind)
    new = sign_up_and_follow(client, path, data("fresh@example.org", "12345678"))
    known = sign_up_and_follow(client, path, data("known@example.org", "87654321"))

    assert (new[0].status_code, new[0]["Location"]) == (302, "/en/accounts/register/sent/")
    assert answer(new[0], "fresh@example.org") == answer(known[0], "known@example.org")
    assert answer(new[1], "fresh@example.org") == answer(known[1], "known@example.org")
    assert not re.search(r"exist|taken|already", known[1].content.decode(), re.IGNORECASE)


@pytest.mark.parametrize("kind", list(EXISTING))
def test_a_refused_form_does_not_tell_either(client, kind):
    """A form sent back with its errors (here: the passwords differ) looks the same for a
    known address as for a new one: existence is never a form error."""
    existing_account(kind)

    new, _ = sign_up_and_follow(
        client, SIGNUP, supplier_form(email="fresh@example.org", password2="something-else-1")
    )
    known, _ = sign_up_and_follow(
        client, SIGNUP, supplier_form(email="known@example.org", password2="something-else-1")
    )

    assert new.status_code == 400
    assert answer(new, "fresh@example.org") == answer(known, "known@example.org")


def test_both_answers_queue_the_same_mail_and_hash_the_password_once(client, monkeypatch):
    """The expensive step (the password hash) and the outbox row are the same for both;
    the mails themselves are written by the worker, after the answer."""
    UserFactory(email="known@example.org")
    hashes = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a, **k: hashes.append(1) or encode(self, *a, **k)
    )
    queued = []
    monkeypatch.setattr(outbox.transaction, "on_commit", queued.append)

    client.post(SIGNUP, supplier_form(email="fresh@example.org"))
    new_hashes = len(hashes)
    client.post(SIGNUP, supplier_form(email="known@example.org", registration_number="87654321"))

    assert (new_hashes, len(hashes) - new_hashes) == (1, 1)
    assert mail.outbox == []
    assert list(OutgoingMail.objects.order_by("id").values_list("task", "kwargs")) == [
        ("portal.send_signup_mail", {"email": "fresh@example.org", "language": "en"}),
        ("portal.send_signup_mail", {"email": "known@example.org", "language": "en"}),
    ]
    for send in queued:
        send()
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["fresh@example.org"], "Confirm your Koploper account"),
        (["known@example.org"], "You already have a Koploper account"),
    ]


def test_the_sixth_signup_mail_for_one_address_within_the_hour_is_refused(client, settings):
    settings.SIGNUP_MAIL_LIMIT = 5
    UserFactory(email="known@example.org")

    answers = [
        client.post(
            SIGNUP,
            supplier_form(email="known@example.org"),
            REMOTE_ADDR=f"192.0.2.{n}",
        ).status_code
        for n in range(5)
    ]
    sixth = client.post(SIGNUP, supplier_form(email="known@example.org"), REMOTE_ADDR="192.0.2.99")

    assert answers == [302] * 5
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "3600"
    assert LIMITED in sixth.content.decode()
    assert len(mail.outbox) == 5


def test_one_client_address_cannot_mail_many_addresses(client, settings):
    settings.SIGNUP_MAIL_LIMIT = 3
    settings.SIGNUP_ADDRESS_LIMIT = 100
    municipality = MunicipalityFactory()

    answers = [
        client.post(
            BUYER_SIGNUP, buyer_form(municipality, email=f"user{n}@example.org")
        ).status_code
        for n in range(4)
    ]

    assert answers == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_the_refusal_does_not_tell_whether_an_account_exists(client, settings):
    settings.SIGNUP_MAIL_LIMIT = 1
    UserFactory(email="known@example.org")
    numbers = iter(["11111111", "22222222", "33333333", "44444444"])

    def sign_up(email, ip):
        form = supplier_form(email=email, registration_number=next(numbers))
        return sign_up_and_follow(client, SIGNUP, form, ip=ip)[0]

    sign_up("known@example.org", "192.0.2.1")
    sign_up("fresh@example.org", "192.0.2.2")
    known = sign_up("known@example.org", "192.0.2.3")
    fresh = sign_up("fresh@example.org", "192.0.2.4")

    assert (known.status_code, fresh.status_code) == (429, 429)
    assert answer(known, "known@example.org", "33333333") == answer(
        fresh, "fresh@example.org", "44444444"
    )
