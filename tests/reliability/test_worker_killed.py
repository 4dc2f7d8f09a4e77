"""A Celery worker killed in the middle of a task: the broker delivers the task again
(acks_late) to the next worker, and the task completes exactly once: one mail, one board.

Real worker processes (tests/reliability/worker.py) on the real Redis broker and the test
database; the test pauses a worker at a known point, SIGKILLs it, starts another."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit.models import OutgoingMail
from innovations.enums import Status
from innovations.workflow import SUBMIT, innovation_transition
from municipalities.enums import Stage
from portal.celery import app as celery_app
from ranking.models import RankingEntry, RankingRun, RunStatus
from tests.factories import (
    AdoptionFactory,
    InnovationFactory,
    MunicipalityFactory,
    reviewer_user,
    supplier_user,
)
from tests.innovations.helpers import ensure_domain_tags, innovation_in

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90  # seconds; generous: two cores shared with other test runs


def _wait_for(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Workers:
    """Starts worker processes on the test database and the test's Redis broker."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.processes: list[subprocess.Popen] = []
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings"),
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "KOPLOPER_TEST_DIR": str(directory),
        }

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.reliability.worker",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--hostname=kill-test-{len(self.processes)}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.dir / f"worker-{len(self.processes)}.log", "wb"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def paused(self, point: str, process: subprocess.Popen) -> bool:
        assert process.poll() is None, (self.dir / "worker-0.log").read_text()
        return (self.dir / f"paused-{point}-{process.pid}").exists()

    def finished(self, task_id: str, process: subprocess.Popen) -> bool:
        assert process.poll() is None, (
            self.dir / f"worker-{len(self.processes) - 1}.log"
        ).read_text()
        return (self.dir / f"done-{task_id}-{process.pid}").exists()

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path):
    (tmp_path / "mail").mkdir()
    # A clean broker: no task of another test, nothing unacknowledged from an earlier run.
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    celery_app.conf.task_always_eager = False
    workers = Workers(tmp_path)
    yield workers
    workers.stop_all()
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _mails(directory: Path) -> list[str]:
    return [p.read_text() for p in sorted((directory / "mail").iterdir())]


def test_a_mail_task_delivered_again_after_a_kill_sends_one_mail(workers, tmp_path):
    ensure_domain_tags()
    innovation = innovation_in(Status.DRAFT, title="Warmtenet in de wijk")
    reviewer_user(username="wendy", email="wendy@example.org", language="en")
    (tmp_path / "pause-done").touch()
    first = workers.start()

    innovation_transition(
        innovation=innovation, user=supplier_user(innovation.supplier), action=SUBMIT
    )
    # The first worker sent the mail and is about to acknowledge the task: kill it there.
    _wait_for(lambda: workers.paused("done", first), "the first worker to send the mail")
    [task_id] = [p.name[len("done-") :].rsplit("-", 1)[0] for p in tmp_path.glob("done-*")]
    assert len(_mails(tmp_path)) == 1
    _kill(first)
    (tmp_path / "pause-done").unlink()

    second = workers.start()
    _wait_for(lambda: workers.finished(task_id, second), "the task to be delivered again")

    mails = _mails(tmp_path)
    assert len(mails) == 1
    assert "Subject: New innovation to review: Warmtenet in de wijk" in mails[0]
    assert [(m.task, m.sent_at is not None) for m in OutgoingMail.objects.all()] == [
        ("innovations.send_status_mail", True)
    ]


def _two_adoptions():
    today = timezone.localdate()
    innovation = InnovationFactory()
    first = MunicipalityFactory(name="Eersteling")
    second = MunicipalityFactory(name="Volger")
    AdoptionFactory(municipality=first, innovation=innovation, started_on=today, stage=Stage.SCALED)
    AdoptionFactory(municipality=second, innovation=innovation, started_on=today)


@pytest.mark.parametrize("point", ["ranking", "done"])
def test_a_ranking_task_delivered_again_after_a_kill_publishes_one_board(workers, tmp_path, point):
    """`ranking`: killed in the middle of the run, whose lease (20 minutes) has not expired;
    `done`: killed after publishing, before acknowledging."""
    _two_adoptions()
    (tmp_path / f"pause-{point}").touch()
    first = workers.start()

    task_id = celery_app.send_task("ranking.recompute").id  # as beat sends it
    _wait_for(lambda: workers.paused(point, first), f"the first worker to reach {point}")
    _kill(first)
    (tmp_path / f"pause-{point}").unlink()
    second = workers.start()
    _wait_for(lambda: workers.finished(task_id, second), "the task to be delivered again")

    published = RankingRun.objects.filter(status=RunStatus.PUBLISHED)
    assert [(r.task_id, r.is_current) for r in published] == [(task_id, True)]
    assert list(
        RankingEntry.objects.order_by("run", "position").values_list("municipality__name", "rank")
    ) == [("Eersteling", 1), ("Volger", 2)]
    if point == "ranking":
        killed = RankingRun.objects.exclude(status=RunStatus.PUBLISHED).get()
        assert (killed.status, killed.error) == (
            RunStatus.FAILED,
            "Abandoned: its worker stopped; the task was delivered again.",
        )
    else:
        assert RankingRun.objects.count() == 1
