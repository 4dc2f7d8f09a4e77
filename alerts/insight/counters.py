"""Counting visits without a database write and without keeping who visited.

A visit is counted once per visitor per day: the visitor is a keyed hash (HMAC-SHA256)
of their address and browser under a salt made at random for the day, kept only in
Redis (or this process) and dropped after two days. Only the number of distinct hashes
per day reaches the database (aggregate.insight_flush); after two days nobody, not even
the portal, can tell whose visit a hash was.

With REDIS_URL: sets in Redis, one round trip (a pipeline) per counted page. Without
(the embedded default, one process): sets in this process's memory. Redis being down
loses the count, never the page: every error is swallowed, and after one the counter
leaves Redis alone for PAUSE seconds so pages do not wait on timeouts."""

import datetime
import hashlib
import hmac
import logging
import secrets
import threading
import time

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("koploper.insight")

KEEP_SECONDS = 2 * 24 * 60 * 60
PAUSE = 30.0
PREFIX = "koploper:insight"


def visitor_hash(salt: bytes, address: str, user_agent: str) -> str:
    """The day's stand-in for one visitor; 16 bytes are plenty to tell visitors apart."""
    message = f"{address}\n{user_agent}".encode("utf-8", "replace")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:32]


class LocalCounters:
    """The embedded default: the day's sets in this process (a test, `make run`)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._salts: dict[str, bytes] = {}
        self._seen: dict[str, dict[tuple[str, str], set[str]]] = {}

    def salt(self, day: datetime.date) -> bytes:
        with self._lock:
            return self._salts.setdefault(day.isoformat(), secrets.token_bytes(32))

    def record(self, day: datetime.date, metric: str, keys: list[str], visitor: str) -> None:
        with self._lock:
            seen = self._seen.setdefault(day.isoformat(), {})
            for key in keys:
                seen.setdefault((metric, key), set()).add(visitor)

    def counts(self, day: datetime.date) -> dict[tuple[str, str], int]:
        with self._lock:
            return {k: len(v) for k, v in self._seen.get(day.isoformat(), {}).items()}

    def forget_before(self, day: datetime.date) -> None:
        with self._lock:
            for name in [d for d in self._seen if d < day.isoformat()]:
                del self._seen[name]
            for name in [d for d in self._salts if d < day.isoformat()]:
                del self._salts[name]

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
            self._salts.clear()


class RedisCounters:
    """Production: a set per day, metric and key, and an index of the day's keys."""

    def __init__(self, url: str):
        self.url = url
        self._client = None
        self._salts: dict[str, bytes] = {}
        self._down_until = 0.0

    @property
    def client(self):
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(
                self.url, socket_connect_timeout=0.25, socket_timeout=0.25
            )
        return self._client

    def _available(self) -> bool:
        return self._down_until <= time.monotonic()

    def _failed(self, exc: Exception) -> None:
        self._down_until = time.monotonic() + PAUSE
        logger.warning("insight counters unavailable for %ss: %s", PAUSE, exc)

    def salt(self, day: datetime.date) -> bytes:
        name = day.isoformat()
        if name not in self._salts:
            key = f"{PREFIX}:salt:{name}"
            # The first process of the day makes it; every process uses the same one.
            self.client.set(key, secrets.token_bytes(32), nx=True, ex=KEEP_SECONDS)
            salt = self.client.get(key)
            if salt is None:
                raise RuntimeError("the day's salt vanished")
            self._salts = {name: salt}  # only today's, so yesterday's is forgotten here
        return self._salts[name]

    def record(self, day: datetime.date, metric: str, keys: list[str], visitor: str) -> None:
        name = day.isoformat()
        index = f"{PREFIX}:index:{name}"
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            seen = f"{PREFIX}:seen:{name}:{metric}:{key}"
            pipe.sadd(seen, visitor)
            pipe.expire(seen, KEEP_SECONDS)
            pipe.sadd(index, f"{metric}:{key}")
        pipe.expire(index, KEEP_SECONDS)
        pipe.execute()

    def counts(self, day: datetime.date) -> dict[tuple[str, str], int]:
        name = day.isoformat()
        members = sorted(m.decode() for m in self.client.smembers(f"{PREFIX}:index:{name}"))
        pipe = self.client.pipeline(transaction=False)
        for member in members:
            pipe.scard(f"{PREFIX}:seen:{name}:{member}")
        result = {}
        for member, count in zip(members, pipe.execute(), strict=True):
            metric, key = member.split(":", 1)
            result[(metric, key)] = int(count)
        return result

    def forget_before(self, day: datetime.date) -> None:
        """Drop the sets and salts of the two days before `day` once they are flushed
        (Redis also expires them after two days, should this never run)."""
        for back in (1, 2):
            name = (day - datetime.timedelta(days=back)).isoformat()
            index = f"{PREFIX}:index:{name}"
            members = [m.decode() for m in self.client.smembers(index)]
            keys = [f"{PREFIX}:seen:{name}:{member}" for member in members]
            self.client.delete(index, f"{PREFIX}:salt:{name}", *keys)

    def clear(self) -> None:
        keys = list(self.client.scan_iter(f"{PREFIX}:*"))
        if keys:
            self.client.delete(*keys)


_local = LocalCounters()
_redis: dict[str, RedisCounters] = {}


def counters() -> LocalCounters | RedisCounters:
    url = settings.REDIS_URL
    if not url:
        return _local
    if url not in _redis:
        _redis[url] = RedisCounters(url)
    return _redis[url]


def count_visit(metric: str, keys: list[str], *, address: str, user_agent: str) -> bool:
    """Count one visitor's visit of `keys` (slugs, challenge ids) under `metric` today.
    Never raises: a failure loses this count. Returns whether it was recorded."""
    store = counters()
    if isinstance(store, RedisCounters) and not store._available():
        return False
    try:
        day = timezone.localdate()
        visitor = visitor_hash(store.salt(day), address, user_agent)
        store.record(day, metric, keys, visitor)
    except Exception as exc:  # noqa: BLE001 - counting must never break a page
        if isinstance(store, RedisCounters):
            store._failed(exc)
        else:
            logger.warning("insight count lost: %s", exc)
        return False
    return True
