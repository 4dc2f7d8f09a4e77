"""The settings switch between the embedded default and the production services,
checked in fresh interpreters so that the environment is read as at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "is_postgres": settings.IS_POSTGRES,
}))
"""
SERVICE_VARIABLES = ["DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "SECRET_KEY", "DEBUG"]


def probe(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        # The embedded default is DEBUG=true (`make run`, the tests); production leaves it unset.
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe_settings(**env) -> dict:
    result = probe(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_embedded_default_without_environment():
    assert probe_settings() == {
        "engine": "django.db.backends.sqlite3",
        "name": str(ROOT / "db.sqlite3"),
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "cache_location": "",
        "eager": True,
        "celery_eager": True,
        "broker": "memory://",
        "is_postgres": False,
    }


def test_settings_production_services_from_environment():
    assert probe_settings(
        DATABASE_URL="postgres://koploper:secret@db.example:5432/koploper",
        REDIS_URL="redis://cache.example:6379/3",
    ) == {
        "engine": "django.db.backends.postgresql",
        "name": "koploper",
        "cache": "portal.cache.FailSoftRedisCache",
        "cache_location": "redis://cache.example:6379/3",
        "eager": False,
        "celery_eager": False,
        "broker": "redis://cache.example:6379/3",
        "is_postgres": True,
    }


def test_settings_database_and_broker_switch_independently():
    only_database = probe_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/koploper")
    only_redis = probe_settings(REDIS_URL="redis://127.0.0.1:6379/9")

    assert (only_database["engine"], only_database["eager"]) == (
        "django.db.backends.postgresql",
        True,
    )
    assert (only_redis["engine"], only_redis["eager"]) == ("django.db.backends.sqlite3", False)


def test_settings_sqlite_path_is_configurable(tmp_path):
    path = str(tmp_path / "elsewhere.sqlite3")

    assert probe_settings(SQLITE_PATH=path)["name"] == path


def test_settings_refuse_to_run_without_secret_key_when_debug_is_off():
    result = probe(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
