"""Production settings from the environment (ASVS V3 session cookies, V14 HTTP headers),
each read in a fresh interpreter as at start-up."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "koploper.example.nl",
}
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "session_cookie": [s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE,
                       s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE],
    "csrf_cookie": [s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE,
                    s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE],
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "proxy_ssl_header": s.SECURE_PROXY_SSL_HEADER,
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
}))
"""


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    # Only the variables given here.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            # Set for Playwright by the browser tests' conftest; never in production.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not k.startswith("SECURE_")
    }
    return subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(**env) -> dict:
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_has_no_warnings_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_with_debug_off():
    assert probe(**PRODUCTION) == {
        "debug": False,
        "session_cookie": ["__Host-sessionid", True, True, "Lax"],
        "csrf_cookie": ["__Host-csrftoken", True, True, "Lax"],
        "ssl_redirect": True,
        "proxy_ssl_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hsts": [31536000, True, True],
    }


def test_production_refuses_to_start_without_secret_key():
    result = run(["-c", PROBE], DEBUG="false", ALLOWED_HOSTS="koploper.example.nl")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_embedded_default_works_over_plain_http():
    embedded = probe(DEBUG="true")  # as `make run` and the tests ask for it

    assert embedded == {
        "debug": True,
        "session_cookie": ["sessionid", False, True, "Lax"],
        "csrf_cookie": ["csrftoken", False, True, "Lax"],
        "ssl_redirect": False,
        "proxy_ssl_header": None,
        "hsts": [0, False, False],
    }


def test_production_redirects_plain_http_and_trusts_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = client.get("/api/v1", headers={"host": "testserver"})
    proxied = client.get("/api/docs/", headers={"x-forwarded-proto": "https"})

    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/api/v1")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_a_server_has_debug_off_unless_it_is_asked_for():
    """gunicorn (portal.wsgi) and a bare `manage.py runserver` read no DEBUG: off, so they
    refuse to start without a SECRET_KEY instead of serving debug pages."""
    as_wsgi = probe(SECRET_KEY=secrets.token_urlsafe(60))
    runserver = run(["manage.py", "runserver", "--noreload", "127.0.0.1:0"])

    assert as_wsgi["debug"] is False
    assert runserver.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in runserver.stderr


def test_management_commands_that_serve_nothing_run_as_the_embedded_default():
    result = run(["manage.py", "check"])

    assert result.returncode == 0, result.stderr


def test_container_image_has_debug_off():
    dockerfile = (ROOT / "Dockerfile").read_text()

    [env_line] = [line for line in dockerfile.splitlines() if line.startswith("ENV ")]
    assert "DEBUG=false" in env_line.split()
