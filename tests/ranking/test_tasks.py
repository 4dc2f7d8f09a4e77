"""The nightly task, the management command and the admin's start button."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.formats import date_format

from municipalities.enums import Stage
from portal.celery import app as celery_app
from ranking.models import RankingEntry, RankingRun, RunStatus
from ranking.services import PARAMETERS_V1
from ranking.tasks import recompute
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    UserFactory,
    admin_user,
)


def _adoptions():
    today = timezone.localdate()
    innovation = InnovationFactory()
    first = MunicipalityFactory(name="Eersteling")
    second = MunicipalityFactory(name="Volger")
    AdoptionFactory(municipality=first, innovation=innovation, started_on=today, stage=Stage.SCALED)
    AdoptionFactory(municipality=second, innovation=innovation, started_on=today)
    return first, second


def _hold_the_lease():
    now = timezone.now()
    return RankingRun.objects.create(
        trigger="nightly",
        reference_date=timezone.localdate(),
        formula_version="v1",
        parameters=PARAMETERS_V1,
        started_at=now,
        lease_expires_at=now + datetime.timedelta(minutes=5),
    )


def test_beat_schedule_runs_the_registered_task_at_three_in_amsterdam():
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-ranking-nightly"]

    assert entry["task"] == recompute.name == "ranking.recompute"
    assert "ranking.recompute" in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
    assert (recompute.soft_time_limit, recompute.time_limit) == (600, 900)


@pytest.mark.django_db
def test_task_publishes_a_board_and_returns_its_run():
    first, second = _adoptions()

    run_id = recompute.delay().get()

    run = RankingRun.objects.get(pk=run_id)
    assert (run.status, run.trigger, run.is_current) == (RunStatus.PUBLISHED, "nightly", True)
    assert list(RankingEntry.objects.filter(run=run).values_list("municipality__name", "rank")) == [
        ("Eersteling", 1),
        ("Volger", 2),
    ]


@pytest.mark.django_db
def test_task_skips_quietly_while_another_run_is_in_progress():
    _adoptions()
    busy = _hold_the_lease()

    assert recompute.delay().get() is None
    assert list(RankingRun.objects.values_list("pk", flat=True)) == [busy.pk]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_nightly_task_runs_on_a_real_celery_worker(celery_worker_real):
    _adoptions()

    # As celery beat sends it: by name, without arguments.
    celery_app.send_task("ranking.recompute")

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run = RankingRun.objects.filter(status__in=[RunStatus.PUBLISHED, RunStatus.FAILED]).first()
        if run:
            break
        time.sleep(0.1)
    assert run is not None, "the worker published no run"
    assert (run.status, run.trigger, run.is_current, run.error) == (
        RunStatus.PUBLISHED,
        "nightly",
        True,
        "",
    )
    assert list(RankingEntry.objects.filter(run=run).values_list("municipality__name", "rank")) == [
        ("Eersteling", 1),
        ("Volger", 2),
    ]


# --- Management command -------------------------------------------------------------------


@pytest.mark.django_db
def test_command_recompute_ranking_shows_progress_and_publishes(capsys):
    _adoptions()

    call_command("recompute_ranking", "--reference-date", "2030-01-01")

    out = capsys.readouterr().out
    run = RankingRun.objects.get()
    assert (run.trigger, run.reference_date, run.status) == (
        "command",
        datetime.date(2030, 1, 1),
        RunStatus.PUBLISHED,
    )
    lines = [line.split("] ", 1)[-1] for line in out.splitlines()]
    assert lines == [
        f"Run #{run.pk} started (reference date 2030-01-01).",
        "Scoring verified adoptions and ranking municipalities…",
        "2 adoptions scored, 2 municipalities on the board.",
        "Rank intervals over the sensitivity draws, performance groups…",
        f"Run #{run.pk} published.",
        f"Published run #{run.pk}: 2 municipalities ranked from 2 adoptions.",
    ]


@pytest.mark.django_db
def test_command_recompute_ranking_refuses_while_another_run_is_in_progress():
    _hold_the_lease()

    with pytest.raises(CommandError, match="Another ranking run is in progress"):
        call_command("recompute_ranking")


# --- Admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_runs_with_status_timings_and_counts(client):
    _adoptions()
    call_command("recompute_ranking")
    client.force_login(admin_user())

    page = client.get("/admin/ranking/rankingrun/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    run = RankingRun.objects.get()
    cells = dict(re.findall(r'<t[dh] class="field-(\w+)[^"]*">(?:<a [^>]+>)?([^<]*)', page))
    assert {
        name: cells[name]
        for name in ["status", "reference_date", "trigger", "contribution_count", "entry_count"]
    } == {
        "status": "Published",
        "reference_date": date_format(run.reference_date),
        "trigger": "Management command",
        "contribution_count": "2",
        "entry_count": "2",
    }
    assert cells["duration"] == str(run.duration)
    assert "Start a ranking run" in page


@pytest.mark.django_db
def test_admin_lists_entries_with_range_and_group_and_tells_the_limburgs_apart(
    client, reference_municipalities
):
    heerlen = next(m for m in reference_municipalities if m.name == "Heerlen")
    hasselt = next(m for m in reference_municipalities if m.name == "Hasselt")
    for town in (heerlen, hasselt):
        AdoptionFactory(municipality=town, started_on=timezone.localdate())
    call_command("recompute_ranking")
    client.force_login(admin_user())
    url = "/admin/ranking/rankingentry/"

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    belgian = client.get(f"{url}?province=BE-VLI", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    municipalities = client.get(
        "/admin/municipalities/municipality/?province=NL-LI", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    entry = RankingEntry.objects.get(municipality=heerlen)
    cells = dict(re.findall(r'<td class="field-(\w+)[^"]*">([^<]*)', page))
    assert cells["rank_range"] == f"{entry.rank_low}–{entry.rank_high}"
    assert cells["performance_group"] == entry.get_performance_group_display()
    for listing in (page, municipalities):
        assert "Limburg (NL)</a>" in listing and "Limburg (BE)</a>" in listing
    assert "By performance group" in page
    assert "Hasselt" in belgian and "Heerlen" not in belgian
    assert "Heerlen" in municipalities and "Hasselt" not in municipalities


@pytest.mark.django_db
def test_admin_start_button_runs_a_recompute(client, django_capture_on_commit_callbacks):
    _adoptions()
    user = admin_user()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/ranking/rankingrun/start/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )

    run = RankingRun.objects.get()
    assert (run.trigger, run.started_by, run.status) == ("admin", user, RunStatus.PUBLISHED)
    assert "A ranking run has been started." in response.content.decode()


@pytest.mark.django_db
def test_admin_start_button_is_for_administrators_only(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.post("/admin/ranking/rankingrun/start/")

    assert response.status_code == 403
    assert RankingRun.objects.count() == 0


@pytest.mark.django_db
def test_admin_start_button_needs_post(client):
    client.force_login(admin_user())

    assert client.get("/admin/ranking/rankingrun/start/").status_code == 405
