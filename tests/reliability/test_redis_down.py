"""Redis is down while the web runs: pages are rendered without the cache, and an action
whose task cannot be enqueued is kept, logged, and its mail sent later by
send_pending_mails.

Redis is pointed at a closed port, so these run the same with or without a real Redis."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command

from audit.models import OutgoingMail
from innovations.enums import Status
from portal import cache as fail_soft
from portal.celery import app as celery_app
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import ensure_domain_tags, innovation_in

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _reset_broker_connections():
    # Forget the app's pools, so that the next task opens one for the current broker_url
    # (kombu keeps the pools themselves, per broker address).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailSoftRedisCache",
            "LOCATION": NOWHERE,
            "KEY_PREFIX": "koploper",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    fail_soft._down_until.clear()
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    _reset_broker_connections()
    conf.broker_url, conf.task_always_eager = NOWHERE, False
    yield
    _reset_broker_connections()
    conf.broker_url, conf.task_always_eager = saved
    fail_soft._down_until.clear()


@pytest.mark.django_db
def test_pages_render_without_the_cache(redis_down, client, caplog):
    innovation = InnovationFactory(title="Slimme lantaarnpaal", status=Status.APPROVED)
    town = MunicipalityFactory(name="Zonnedorp")
    AdoptionFactory(municipality=town, innovation=innovation)
    call_command("recompute_ranking", verbosity=0)

    with caplog.at_level(logging.ERROR, logger="koploper.cache"):
        pages = {
            path: client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            for path in [
                "/en/",
                "/en/innovations/",
                f"/en/innovations/{innovation.slug}/",
                "/en/ranking/",
                "/en/municipalities/",
                "/api/v1/innovations",
            ]
        }

    assert {path: r.status_code for path, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "Slimme lantaarnpaal" in pages["/en/innovations/"].content.decode()
    assert "Zonnedorp" in pages["/en/ranking/"].content.decode()
    assert [r.name for r in caplog.records] == ["koploper.cache"]  # once per pause, not per call
    assert "cache unavailable" in caplog.records[0].getMessage()


@pytest.mark.django_db(transaction=True)
def test_an_action_is_kept_when_its_task_cannot_be_enqueued(redis_down, client, caplog):
    ensure_domain_tags()
    innovation = innovation_in(Status.DRAFT, title="Warmtenet in de wijk")
    reviewer_user(username="wendy", email="wendy@example.org", language="en")
    client.force_login(supplier_user(innovation.supplier))

    with caplog.at_level(logging.ERROR, logger="koploper.tasks"):
        response = client.post(
            f"/en/innovations/supplier/innovations/{innovation.pk}/submit/", follow=True
        )

    assert response.status_code == 200
    assert "Submitted for review." in response.content.decode()
    innovation.refresh_from_db()
    assert innovation.status == Status.SUBMITTED
    # The page after the redirect may also say that the cache is down (koploper.cache).
    tasks = [r for r in caplog.records if r.name == "koploper.tasks"]
    assert [r.getMessage().split(" with ")[0] for r in tasks] == [
        "could not enqueue task innovations.send_status_mail"
    ]
    assert mail.outbox == []
    due = OutgoingMail.objects.get()
    assert (due.task, due.sent_at) == ("innovations.send_status_mail", None)

    # Beat's sweep (here: the command) sends it in-process, broker or not; once.
    call_command("send_pending_mails", "--older-than", "0", verbosity=0)
    call_command("send_pending_mails", "--older-than", "0", verbosity=0)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["wendy@example.org"], "New innovation to review: Warmtenet in de wijk")
    ]
    due.refresh_from_db()
    assert due.sent_at is not None


def test_beat_sends_the_pending_mails_every_ten_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-mails"]
    celery_app.loader.import_default_modules()  # as a worker starts: every app's tasks.py

    assert entry["task"] in celery_app.tasks
    assert (entry["schedule"].minute, entry["schedule"].hour) == (
        set(range(0, 60, 10)),
        set(range(24)),
    )
