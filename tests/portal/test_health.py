"""/healthz (liveness) and /readyz (readiness: database, cache, broker, each within a short
timeout); neither tells a caller more than "ok" or "unavailable"."""

import time

import pytest
from django.core.management import call_command
from django.test import Client

from portal import health
from portal.celery import app

pytestmark = pytest.mark.django_db


def test_health_liveness_answers_ok_over_plain_http_under_any_host(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["koploper.example.nl"]

    response = Client().get("/healthz", HTTP_HOST="web:8000")

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Cache-Control"] == "no-store"


def test_health_readiness_is_ok_when_every_service_answers():
    response = Client().get("/readyz")

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert health.readiness() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_readiness_is_503_without_details_when_a_service_fails(monkeypatch):
    def database_down():
        raise ConnectionError("could not connect to server at db.internal:5432 as koploper")

    monkeypatch.setitem(health.CHECKS, "database", database_down)

    response = Client().get("/readyz")

    assert (response.status_code, response.content) == (503, b"unavailable\n")
    assert health.readiness()["database"] == (
        "ConnectionError: could not connect to server at db.internal:5432 as koploper"
    )


def test_health_readiness_gives_up_on_a_service_that_hangs(monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", lambda: time.sleep(health.CHECK_TIMEOUT + 3))

    started = time.monotonic()
    response = Client().get("/readyz")
    took = time.monotonic() - started

    assert response.status_code == 503
    assert took < health.CHECK_TIMEOUT + 1


def test_health_broker_that_cannot_be_reached_is_not_ready(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:9/0")  # nothing listens

    assert health.readiness()["broker"].startswith("OperationalError")


@pytest.mark.redis
def test_health_readiness_with_the_real_broker_and_cache(settings):
    assert settings.REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False

    assert health.readiness() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_endpoints_take_only_get_and_head():
    client = Client()

    assert client.head("/readyz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_health_command_prints_every_check(capsys):
    call_command("health")

    assert capsys.readouterr().out.splitlines() == [
        "database: ok",
        "cache: ok",
        "broker: ok",
        "mails due: 0",
        "mails given up: 0",
    ]


def test_health_docker_compose_probes_liveness_and_readiness():
    compose = (health.settings.BASE_DIR / "docker-compose.yml").read_text()

    assert 'test: ["CMD", "python", "-m", "portal.probe", "/healthz", "/readyz"]' in compose


@pytest.mark.django_db(transaction=True)
def test_health_probe_of_the_container_against_a_live_server(live_server, monkeypatch):
    from portal import probe

    monkeypatch.setenv("PROBE_URL", live_server.url)

    assert probe.main(["/healthz", "/readyz"]) == 0
    assert probe.probe(live_server.url, ["/healthz", "/no-such-page"]) == "/no-such-page: 404"
