"""Login protection (ASVS V2.2.1): django-axes locks one username from one address out
after 5 failures, for 15 minutes, on the login page and on POST /api/v1/auth/token/ alike;
the security log records failures and refusals without passwords (ASVS V7.1, V7.2)."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from tests.problems import errors

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
TOKEN = "/api/v1/auth/token"
WRONG = "wrong-password"
LOCKED = "Too many failed login attempts. Try again in 15 minutes, or reset your password."


def log_in(client, username, password=WRONG, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def get_token(client, username, password=WRONG, ip="192.0.2.10"):
    return client.post(
        TOKEN,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_login_locks_out_after_five_failures_with_a_429_page(client):
    user = UserFactory()

    statuses = [log_in(client, user.username).status_code for _ in range(4)]
    fifth = log_in(client, user.username)
    right_password = log_in(client, user.username, PASSWORD)

    assert statuses == [400] * 4  # the form again, with its error
    assert fifth.status_code == 429
    assert right_password.status_code == 429
    assert LOCKED in right_password.content.decode()
    assert right_password["Retry-After"] == "900"
    assert "registration/locked_out.html" in [t.name for t in right_password.templates]
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client):
    user, other = UserFactory(), UserFactory()
    for _ in range(5):
        log_in(client, user.username)

    other_user = log_in(client, other.username, PASSWORD)
    other_address = log_in(client, user.username, PASSWORD, ip="198.51.100.7")

    assert (other_user.status_code, other_user["Location"]) == (302, "/en/dashboard/")
    assert (other_address.status_code, other_address["Location"]) == (302, "/en/dashboard/")


def test_lockout_ends_after_fifteen_minutes(client):
    user = UserFactory()
    for _ in range(5):
        log_in(client, user.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    still_locked = log_in(client, user.username, PASSWORD)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    after_cool_off = log_in(client, user.username, PASSWORD)

    assert still_locked.status_code == 429
    assert after_cool_off.status_code == 302


def test_token_endpoint_counts_failures_and_answers_lockout_with_a_429_problem(client):
    user = UserFactory()

    statuses = [get_token(client, user.username).status_code for _ in range(4)]
    fifth = get_token(client, user.username)
    right_password = get_token(client, user.username, PASSWORD)

    assert statuses == [400] * 4
    assert (fifth.status_code, right_password.status_code) == (429, 429)
    assert errors(right_password) == {"detail": LOCKED}
    assert right_password["Retry-After"] == "900"


def test_login_page_and_token_endpoint_share_the_count(client):
    user = UserFactory()
    for _ in range(3):
        get_token(client, user.username)
    for _ in range(2):
        log_in(client, user.username)

    assert log_in(client, user.username, PASSWORD).status_code == 429
    assert get_token(client, user.username, PASSWORD).status_code == 429


def test_security_log_records_failures_and_lockouts_without_passwords(client, caplog):
    user = UserFactory()
    caplog.set_level(logging.INFO, logger="koploper.security")

    for _ in range(5):
        log_in(client, user.username, password="s3cret-guess")
    get_token(client, user.username, password="s3cret-guess")

    records = [r.getMessage() for r in caplog.records if r.name == "koploper.security"]
    failed = f"login failed: user={user.username} ip=192.0.2.10 path={LOGIN}"
    assert records.count(failed) == 5
    assert f"login locked out: user={user.username} ip=192.0.2.10 path={LOGIN}" in records
    assert f"access refused: status=429 user=- ip=192.0.2.10 method=POST path={LOGIN}" in records
    assert f"access refused: status=429 user=- ip=192.0.2.10 method=POST path={TOKEN}" in records
    assert not any("s3cret-guess" in message for message in records)


def test_security_log_records_401_and_403(client, caplog):
    user = UserFactory()
    caplog.set_level(logging.INFO, logger="koploper.security")

    client.get("/api/v1/review/innovations", REMOTE_ADDR="192.0.2.20")
    client.force_login(user)
    client.get("/en/review/", REMOTE_ADDR="192.0.2.20")

    records = [r.getMessage() for r in caplog.records if r.name == "koploper.security"]
    assert records == [
        "access refused: status=401 user=- ip=192.0.2.20 method=GET "
        "path=/api/v1/review/innovations",
        f"access refused: status=403 user={user.username} ip=192.0.2.20 method=GET "
        "path=/en/review/",
    ]


def test_client_address_ignores_a_forged_forwarded_for_without_trusted_proxies(client):
    user = UserFactory()
    for number in range(5):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{number}"}
        client.post(LOGIN, {"username": user.username, "password": "x"}, **forged)

    assert log_in(client, user.username, PASSWORD, ip="127.0.0.1").status_code == 429


def test_client_address_behind_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = 1
    user = UserFactory()
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": user.username, "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )

    from_elsewhere = client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )

    assert from_elsewhere.status_code == 302


def test_login_limits_failures_per_address_whatever_the_usernames(client, settings, caplog):
    """Password spraying: one password tried on many usernames from one address. Each
    username stays under django-axes' five; the address is stopped after the limit."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    users = [UserFactory() for _ in range(22)]
    caplog.set_level(logging.INFO, logger="koploper.security")

    tried = [log_in(client, user.username, "Welkom2026!").status_code for user in users[:20]]
    sprayed = log_in(client, users[20].username, "Welkom2026!")
    right_password = log_in(client, users[21].username, PASSWORD)
    other_address = log_in(client, users[21].username, PASSWORD, ip="198.51.100.7")

    assert tried == [400] * 20
    assert (sprayed.status_code, right_password.status_code) == (429, 429)
    assert 890 <= int(sprayed["Retry-After"]) <= 900
    assert "Too many failed login attempts from your network." in sprayed.content.decode()
    assert "_auth_user_id" in client.session  # the other address logged in
    assert other_address.status_code == 302
    records = [r.getMessage() for r in caplog.records if r.name == "koploper.security"]
    assert any(
        m.startswith(f"address limited: scope=login-failures ip=192.0.2.10 path={LOGIN} ")
        for m in records
    )


@pytest.mark.translated
def test_address_limit_page_is_in_dutch(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1
    log_in(client, UserFactory().username)

    page = client.post(
        "/nl/accounts/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="192.0.2.10"
    )

    assert page.status_code == 429
    assert "Te veel mislukte" in page.content.decode()
