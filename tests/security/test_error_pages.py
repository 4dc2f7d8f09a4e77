"""Error pages (ASVS V7.4.1): 400, 403, CSRF failure, 404 and 500 in the site's layout and
stylesheet, without inline script or style, and no details of the failure; the 500 page
renders without context processors or the database."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STYLESHEET = '<link rel="stylesheet" href="/static/css/koploper.css">'


def assert_plain_page(response, status: int, template: str, heading: str):
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert template in [t.name for t in response.templates]
    assert f'<h1 class="utrecht-heading-1">{heading}</h1>' in html
    assert STYLESHEET in html
    assert not re.search(r"<script|<style|\sstyle=", html)


def test_400_page(client):
    response = client.get("/en/", headers={"host": "evil.example"})

    assert_plain_page(response, 400, "400.html", "Bad request")
    assert "base.html" not in [t.name for t in response.templates]
    assert "evil.example" not in response.content.decode()


def test_403_page(client):
    client.force_login(UserFactory())

    response = client.get("/en/review/")

    assert_plain_page(response, 403, "403.html", "No access")


def test_403_csrf_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post("/en/accounts/logout/")

    assert_plain_page(response, 403, "403_csrf.html", "Form expired")
    assert "CSRF" not in response.content.decode()


def test_404_page(client):
    response = client.get("/en/no-such-page/")

    assert_plain_page(response, 404, "404.html", "Page not found")
    assert 'href="/en/"' in response.content.decode()


@pytest.mark.urls("tests.security.urls")
def test_500_page_is_standalone(client, django_assert_num_queries):
    client.raise_request_exception = False

    with django_assert_num_queries(0):
        response = client.get("/fail/")

    assert_plain_page(response, 500, "500.html", "Something went wrong")
    assert "base.html" not in [t.name for t in response.templates]
    assert "a bug" not in response.content.decode()


@pytest.mark.parametrize("name", ["400.html", "403.html", "403_csrf.html", "404.html", "500.html"])
def test_error_templates_have_only_translated_text(name):
    source = (settings.BASE_DIR / "templates" / name).read_text()
    text = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", "", source, flags=re.DOTALL)

    assert "{% load i18n %}" in source
    assert text.split() == []


@pytest.mark.urls("tests.security.urls")
def test_debug_page_hides_every_credential(client, settings):
    """With DEBUG on, a 500 shows Django's debug page, with the settings and the request's
    environment (which holds the process's environment under runserver)."""
    settings.DEBUG = True
    settings.CACHES = {
        **settings.CACHES,
        "other": {
            "BACKEND": "django.core.cache.backends.dummy.DummyCache",
            "LOCATION": "redis://:cache-hunter2@cache.example:6379/3",
        },
    }
    settings.CELERY_BROKER_URL = "redis://:broker-hunter2@cache.example:6379/3"
    settings.SENTRY_ENDPOINT = "https://public:sentry-hunter2@sentry.example/1"
    client.raise_request_exception = False

    response = client.get(
        "/fail/",
        DATABASE_URL="postgres://koploper:db-hunter2@db.example:5432/koploper",
        REDIS_URL="redis://:redis-hunter2@cache.example:6379/3",
        BACKUP_TARGET="s3://key:backup-hunter2@bucket.example/koploper",
    )

    html = response.content.decode()
    assert response.status_code == 500
    assert "a bug" in html  # the debug page itself
    assert "hunter2" not in html
    assert "s3://********************@bucket.example" in html  # the name says nothing
