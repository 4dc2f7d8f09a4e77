"""A Redis cache that fails soft: when Redis is down, pages are still served.

Every read is a miss and every write is dropped while Redis cannot be reached; the views
then compute what they would have cached. After a failure the cache skips Redis for
`PAUSE` seconds, so a page with a dozen cache calls does not wait a dozen timeouts; with
short socket timeouts (settings: OPTIONS) one failed call costs well under a second.
Failures are logged on `koploper.cache`, at most once per pause."""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("koploper.cache")

PAUSE = 5.0
# Per Redis address and per process: caches are made per thread, an outage is not.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    def _soft(self, default, method, *args, **kwargs):
        if _down_until.get(self._server_key, 0.0) > time.monotonic():
            return default
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError) as exc:
            with _lock:
                _down_until[self._server_key] = time.monotonic() + PAUSE
            logger.error("cache unavailable, serving without it for %ss: %s", PAUSE, exc)
            return default

    @property
    def _server_key(self) -> str:
        return ",".join(self._servers)

    def add(self, key, value, timeout=None, version=None):
        return self._soft(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(default, super().get, key, default, version)

    def set(self, key, value, timeout=None, version=None):
        return self._soft(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError (callers rely on it); an outage returns None.
        return self._soft(None, super().incr, key, delta, version)

    def set_many(self, data, timeout=None, version=None):
        return self._soft(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft(None, super().delete_many, keys, version)

    def clear(self):
        return self._soft(False, super().clear)
