"""The demo's engine: plan every step's events, then replay them in time order.

Planning is pure: each step reads its data files and the municipalities' reference data,
draws from seeded generators and adds timed events to the `Demo`; nothing is written.
The replay then runs the events oldest first, each under the simulated clock
(demo.clock) set to its moment, through the services only. Events between two barriers
(the monthly ranking runs) share one transaction per month; mails scheduled in it go
through the outbox when it commits, as in real use.

Every event is idempotent on its own: it looks its object up by a natural key (a
username, a supplier's name, an innovation's title, a municipality and an innovation, …)
and does nothing when its work is already done. A second seed_demo therefore writes
nothing, and a run that was interrupted picks up where it stopped."""

# ruff: noqa: S311 - seeded generators make the demo reproducible; nothing here is secret

import contextlib
import datetime
import importlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from celery import current_app as celery_app
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from core.database import on_postgresql

from . import clock

DATA_DIR = Path(__file__).resolve().parent / "data"
SIZES = ("full", "small")

# The steps, planned in this order (a step may read what an earlier one planned); their
# events run in time order whatever step made them. See demo/__init__.py to add one.
STEPS = [
    "demo.accounts",
    "demo.suppliers",
    "demo.innovations",
    "demo.adoptions",
    "demo.challenges",
    "demo.shortlists",
    "demo.alerts",
    # Steps of later features go here: they may ask demo.buyer(code, when) for a buyer.
    "demo.desk",
    "demo.pilots",
    "demo.vetting",
    "demo.organisations",
    "demo.buyers",  # signs up the buyers that the steps above asked for
    "demo.boards",
]


@dataclass(order=True)
class Event:
    at: datetime.datetime
    seq: int
    label: str = field(compare=False)
    action: Callable[[], object] = field(compare=False)
    # A barrier runs in a transaction of its own, after everything before it committed
    # (a ranking run takes its own lease and transaction).
    barrier: bool = field(default=False, compare=False)


class Demo:
    """What the steps plan into: the clock's range, seeded generators, the events, and
    the plans steps share (suppliers, innovations, adoptions, the buyers they need)."""

    def __init__(self, *, size: str = "full", now: datetime.datetime | None = None):
        if size not in SIZES:
            raise ValueError(f"size must be one of {SIZES}")
        self.size = size
        self.small = size == "small"
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.events: list[Event] = []
        # Shared plans, filled by the steps (see each step's docstring).
        self.suppliers: dict[str, dict] = {}
        self.innovations: list[dict] = []
        self.adoptions: list[dict] = []
        self.buyers_needed: dict[str, datetime.datetime] = {}
        self.municipalities: dict[str, dict] = {}
        self._users: dict[str, object] = {}
        self._objects: dict[tuple, object] = {}
        self.replayed_until: datetime.datetime | None = None

    # --- planning helpers --------------------------------------------------------------

    def rng(self, *key) -> random.Random:
        """A generator seeded by `key`: the same draws on every run and machine."""
        seed = "koploper-demo:" + ":".join(str(part) for part in key)
        return random.Random(seed)  # seeded demo data, not secrets  # nosec B311

    def data(self, name: str):
        """A data file of demo/data, parsed (JSON)."""
        with (DATA_DIR / name).open(encoding="utf-8") as handle:
            return json.load(handle)

    def days_ago(self, days: float, *, hour: int | None = None, rng=None) -> datetime.datetime:
        """A moment `days` before now; during office hours when `hour` or `rng` is given."""
        moment = self.now - datetime.timedelta(days=days)
        if hour is None and rng is not None:
            hour = rng.randint(8, 17)
        if hour is not None:
            local = timezone.localtime(moment)
            minute = rng.randint(0, 59) if rng is not None else 0
            moment = local.replace(hour=hour, minute=minute, second=0)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def office_hours(self, moment: datetime.datetime, rng) -> datetime.datetime:
        """`moment` moved to a time between 8:00 and 18:00 (local) on its day, never
        later than now."""
        local = timezone.localtime(moment)
        moment = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def periodic(self, at: datetime.datetime, label: str, action: Callable[[], object]) -> None:
        """Plan a run of a periodic job (a beat task) at `at`, in a transaction of its own,
        unless an earlier seed_demo replayed that moment already."""
        if self.replayed_until is None or at > self.replayed_until:
            self.add(at, label, action, barrier=True)

    def add(
        self,
        at: datetime.datetime,
        label: str,
        action: Callable[[], object],
        *,
        barrier: bool = False,
    ) -> None:
        """Plan `action` to run at `at` (never later than now)."""
        at = min(at, self.now)
        self.events.append(Event(at, len(self.events), label, action, barrier))

    def buyer(self, code: str, when: datetime.datetime) -> str:
        """The username of the buyer of municipality `code`, who must exist by `when`
        (demo.buyers signs them up in time)."""
        if code not in self.buyers_needed or when < self.buyers_needed[code]:
            self.buyers_needed[code] = when
        return buyer_username(code)

    # --- replay helpers ----------------------------------------------------------------

    def cached(self, key: tuple, load: Callable[[], object]):
        """An object the events share (a municipality, a published innovation), loaded
        once by `load`; only for rows that the events read and do not change."""
        if key not in self._objects:
            self._objects[key] = load()
        return self._objects[key]

    def user(self, username: str):
        """The account `username`, one instance per replay: what the access checks cache
        on it (permissions, supplier, municipality) is looked up once, as in a session.
        Only for accounts that are complete by their first use (not in the steps that
        create accounts)."""
        if username not in self._users:
            self._users[username] = get_user_model().objects.get(username=username)
        return self._users[username]


def buyer_username(code: str) -> str:
    from .accounts import DEMO_BUYER_MUNICIPALITY

    return "inkoper" if code == DEMO_BUYER_MUNICIPALITY else f"inkoper-{code.lower()}"


def plan(*, size: str = "full", now: datetime.datetime | None = None) -> Demo:
    """Every step's events, not yet run."""
    from ranking.models import RankingRun, RunTrigger

    demo = Demo(size=size, now=now)
    # Where an earlier seed_demo's replay ended (its last board): periodic jobs before
    # that ran then, and are not run again.
    demo.replayed_until = (
        RankingRun.objects.filter(trigger=RunTrigger.DEMO)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    for name in STEPS:
        importlib.import_module(name).plan(demo)
    demo.events.sort()
    return demo


def run(demo: Demo, *, progress: Callable[[Event, int, int], None] | None = None) -> Demo:
    """Replay the planned events, oldest first, each at its own moment on the clock.

    The mails of the demo go through the outbox and their tasks as in real use."""
    total = len(demo.events)
    chunk: list[Event] = []
    _bulk_load_mode()

    done = 0

    def replay(event: Event) -> None:
        nonlocal done
        with clock.at(event.at):
            event.action()
        done += 1
        if progress is not None:
            progress(event, done, total)

    def flush():
        if not chunk:
            return
        with clock.at(chunk[-1].at), transaction.atomic():
            for event in chunk:
                replay(event)
        chunk.clear()

    with _quiet_replay():
        month = None
        for event in demo.events:
            if event.barrier:
                flush()
                replay(event)
            else:
                if (event.at.year, event.at.month) != month:
                    flush()
                    month = (event.at.year, event.at.month)
                chunk.append(event)
        flush()
    return demo


@contextlib.contextmanager
def _quiet_replay():
    """Mail to a backend that drops it (every address in the demo is fictitious), with the
    tasks run in this process even when a broker is configured (a worker would mail them
    with the real backend); no log
    lines below warnings (a line per task run, the jobs' counts, the in-process broker's
    notice) over the progress line; no query log (DEBUG's, which `make run` turns on)."""
    quiet = {"": logging.WARNING, "alerts": logging.WARNING}
    quiet |= {"celery.app.trace": logging.ERROR, "kombu.connection": logging.ERROR}
    loggers = {name: logging.getLogger(name) for name in quiet}
    levels = {name: logger.level for name, logger in loggers.items()}
    for name, logger in loggers.items():
        logger.setLevel(quiet[name])
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", DEBUG=False
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = eager
        for name, logger in loggers.items():
            logger.setLevel(levels[name])


def _bulk_load_mode() -> None:
    """The replay commits often (every mail's outbox row is marked sent in a transaction of
    its own, as the worker does); a bulk load need not wait for the disk on each commit.
    Only this connection's durability changes, for the rest of the process; the rows are
    the same. Inside a transaction (a test) it leaves the settings alone."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
        elif on_postgresql():
            cursor.execute("SET synchronous_commit TO OFF")


def seed(*, size: str = "full", progress=None) -> Demo:
    """Plan and replay the demo (idempotent: a second call writes nothing new)."""
    return run(plan(size=size), progress=progress)
