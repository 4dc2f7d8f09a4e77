"""Security headers on every response (ASVS V14.4): HTML pages, the API,
redirects and error responses alike."""

import pytest
from django.conf import settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
EXPECTED = {
    "Content-Security-Policy": CSP,
    "Permissions-Policy": settings.PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
PATHS = [
    ("/nl/", 200),
    ("/en/innovations/", 200),
    ("/nl/accounts/login/", 200),
    ("/api/docs/", 200),
    ("/api/v1/innovations", 200),
    ("/api/v1/openapi.json", 200),
    ("/", 302),
    ("/nl/no-such-page/", 404),
    ("/api/v1/no-such-thing", 404),
    ("/api/v1/review/adoptions", 401),
    ("/nl/dashboard/", 302),
]


def policy(header: str | None) -> dict:
    """A CSP header as {directive: sources}: django-csp does not keep the directives' order."""
    directives = (part.split() for part in (header or "").split(";") if part.strip())
    return {name: sorted(sources) for name, *sources in directives}


def security_headers(response) -> dict:
    headers = {name: response.headers.get(name) for name in EXPECTED}
    headers["Content-Security-Policy"] = policy(headers["Content-Security-Policy"])
    return headers


def expected() -> dict:
    return {**EXPECTED, "Content-Security-Policy": policy(CSP)}


@pytest.mark.parametrize(("path", "status"), PATHS)
def test_security_headers_on_every_response(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert security_headers(response) == expected()


def test_security_headers_on_403_and_csrf_failure(client, django_user_model):
    client.force_login(UserFactory())
    forbidden = client.get("/nl/review/")
    client.handler.enforce_csrf_checks = True
    csrf = client.post("/nl/accounts/logout/")

    assert (forbidden.status_code, csrf.status_code) == (403, 403)
    assert security_headers(forbidden) == expected()
    assert security_headers(csrf) == expected()
