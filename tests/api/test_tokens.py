"""API tokens end (portal.tokens): they expire after API_TOKEN_DAYS, and are revoked on a
password change and a password reset, by DELETE /api/v1/auth/token and on the account
page; each event is in the security log; an expired or revoked token is a 401 problem
with WWW-Authenticate."""

import datetime
import logging
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory, supplier_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
QUEUE = "/api/v1/supplier/innovations"
NEW_PASSWORD = "another-long-passphrase-42"


@pytest.fixture
def api():
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="koploper.security")
    return caplog


def events(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("api token")]


def get_token(api, user):
    response = api.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(api, key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get(QUEUE)


def assert_refused(response, detail=None):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"
    if detail:
        assert detail in response.json()["detail"]


def test_a_token_expires_after_30_days_by_default(api, security_log):
    user = supplier_user()

    body = get_token(api, user)

    expires = datetime.datetime.fromisoformat(body["expires"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )
    assert with_token(api, body["token"]).status_code == 200
    # Asked again while valid: the same token.
    assert get_token(api, user)["token"] == body["token"]
    stamp = expires.isoformat(timespec="seconds")
    assert events(security_log) == [
        f"api token issued: user={user.username} ip=127.0.0.1 expires={stamp}"
    ]


def test_the_username_may_be_the_e_mail_address_as_on_the_login_page(api):
    """Any e-mail address fits (254 characters, more than a username's 150); the wrong
    password for it is a 400 as for a username, and so is an address longer than any."""
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "example.org"
    assert 150 < len(address) <= 254
    user = supplier_user(email=address)

    by_address = api.post(TOKEN, {"username": address.upper(), "password": PASSWORD}, format="json")
    wrong = api.post(TOKEN, {"username": address, "password": "wrong"}, format="json")
    too_long = api.post(TOKEN, {"username": "a" * 255, "password": PASSWORD}, format="json")

    assert by_address.status_code == 200, by_address.content
    assert Token.objects.get(key=by_address.json()["token"]).user == user
    assert wrong.status_code == 400
    assert [param["name"] for param in too_long.json()["invalidParams"]] == ["username"]


def test_an_expired_token_is_a_401_problem_and_a_new_one_is_issued(api, settings, security_log):
    settings.API_TOKEN_DAYS = 7
    user = supplier_user()
    old = get_token(api, user)["token"]
    Token.objects.filter(key=old).update(created=timezone.now() - datetime.timedelta(days=7))

    refused = with_token(api, old)
    api.credentials()
    new = get_token(api, user)["token"]

    assert_refused(refused, "The token has expired.")
    assert new != old
    assert with_token(api, new).status_code == 200
    assert f"api token expired: user={user.username}" in " ".join(events(security_log))


def test_a_token_of_six_days_still_works_with_seven_configured(api, settings):
    settings.API_TOKEN_DAYS = 7
    user = supplier_user()
    key = get_token(api, user)["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=6))

    assert with_token(api, key).status_code == 200


def test_delete_revokes_the_callers_token(api, security_log):
    user = supplier_user()
    key = get_token(api, user)["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    deleted = api.delete(TOKEN)
    again = api.delete(TOKEN)

    assert deleted.status_code == 204
    assert deleted["API-Version"]
    assert_refused(again, "Invalid token")
    assert_refused(with_token(api, key))
    assert not Token.objects.filter(user=user).exists()
    assert f"api token revoked: user={user.username} ip=127.0.0.1 reason=api-delete" in events(
        security_log
    )


def test_delete_without_credentials_is_a_401_problem(api):
    assert_refused(api.delete(TOKEN))


def test_a_password_change_revokes_the_token(api, client, security_log):
    user = supplier_user()
    key = get_token(api, user)["token"]
    client.force_login(user)

    response = client.post(
        "/en/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert_refused(with_token(api, key))
    assert f"api token revoked: user={user.username} ip=127.0.0.1 reason=password-changed" in (
        events(security_log)
    )


def test_a_refused_password_change_keeps_the_token(api, client):
    user = supplier_user()
    key = get_token(api, user)["token"]
    client.force_login(user)

    response = client.post(
        "/en/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert with_token(api, key).status_code == 200


def test_a_password_reset_revokes_the_token(api, client, security_log):
    user = supplier_user()
    key = get_token(api, user)["token"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = f"/en/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"

    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert_refused(with_token(api, key))
    assert f"api token revoked: user={user.username} ip=127.0.0.1 reason=password-reset" in (
        events(security_log)
    )


def test_a_new_password_set_anywhere_else_revokes_the_token(api, security_log):
    """The admin site and `changepassword` save a new password too."""
    user = supplier_user()
    key = get_token(api, user)["token"]

    user.set_password(NEW_PASSWORD)
    user.save()

    assert_refused(with_token(api, key))
    assert f"api token revoked: user={user.username} ip=- reason=password-changed" in events(
        security_log
    )


def test_saving_a_user_without_a_new_password_keeps_the_token(api):
    user = supplier_user()
    key = get_token(api, user)["token"]

    user.first_name = "Anna"
    user.save()

    assert with_token(api, key).status_code == 200


@pytest.mark.translated
def test_the_account_page_lists_the_token_and_revokes_it_after_confirmation(
    api, client, security_log, django_assert_max_num_queries
):
    user = supplier_user()
    key = get_token(api, user)["token"]
    client.force_login(user)

    page = client.get("/en/dashboard/").content.decode()
    confirm = client.get("/en/accounts/token/revoke/")
    still = with_token(api, key).status_code
    revoked = client.post("/en/accounts/token/revoke/", follow=True)
    after = client.get("/en/dashboard/").content.decode()

    assert "API tokens" in page and f"ending in …{key[-4:]}" in page
    assert key not in page  # never the whole token
    assert re.search(r'href="/en/accounts/token/revoke/"', page)
    assert confirm.status_code == 200
    assert "stops working at once" in confirm.content.decode()
    assert still == 200  # the confirmation page revokes nothing
    assert "Your API token is revoked." in revoked.content.decode()
    assert_refused(with_token(api, key))
    assert "You have no API token." in after
    assert f"api token revoked: user={user.username} ip=127.0.0.1 reason=account-page" in events(
        security_log
    )


@pytest.mark.translated
def test_the_account_page_in_dutch(client):
    user = UserFactory()
    Token.objects.create(user=user)
    client.force_login(user)

    page = client.get("/nl/dashboard/").content.decode()
    confirm = client.get("/nl/accounts/token/revoke/").content.decode()

    assert "API-tokens" in page
    assert "Token intrekken" in confirm
