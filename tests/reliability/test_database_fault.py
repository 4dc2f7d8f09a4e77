"""The database drops the connection in the middle of a request: the visitor gets the error
page (not a traceback), and the next request, on a new connection, works again."""

import threading
import urllib.error
import urllib.request

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Saboteur:
    """Installed on the live server thread's connection at the start of a request: its first
    query has the backend killed from another connection (as a database restart or a
    failover would), then runs into the dead connection."""

    def __init__(self):
        self.armed = True
        self.killed = []

    def install(self, sender, **kwargs):
        if self.armed and threading.current_thread() is not threading.main_thread():
            connection.execute_wrappers.append(self.kill_then_execute)

    def uninstall(self, sender, **kwargs):
        if self.kill_then_execute in connection.execute_wrappers:
            connection.execute_wrappers.remove(self.kill_then_execute)

    def kill_then_execute(self, execute, sql, params, many, context):
        if self.armed:
            self.armed = False
            pid = connection.connection.info.backend_pid
            settings = connection.settings_dict
            with psycopg.connect(
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
                user=settings["USER"],
                password=settings["PASSWORD"] or None,
                dbname=settings["NAME"],
                autocommit=True,
            ) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
            self.killed.append(pid)
        return execute(sql, params, many, context)


def _get(url):
    request = urllib.request.Request(url, headers={"Accept-Language": "en"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def saboteur():
    saboteur = Saboteur()
    request_started.connect(saboteur.install)
    request_finished.connect(saboteur.uninstall)
    yield saboteur
    request_started.disconnect(saboteur.install)
    request_finished.disconnect(saboteur.uninstall)


def test_a_dropped_database_connection_gives_the_error_page_then_recovers(live_server, saboteur):
    status, body = _get(f"{live_server.url}/en/municipalities/")

    assert len(saboteur.killed) == 1, "the request made no query"
    assert status == 500
    assert '<h1 class="utrecht-heading-1">Something went wrong</h1>' in body
    assert "Please try again later." in body
    assert "/static/css/koploper.css" in body
    assert "Traceback" not in body and "OperationalError" not in body

    status, body = _get(f"{live_server.url}/en/municipalities/")

    assert status == 200
    assert "Something went wrong" not in body
