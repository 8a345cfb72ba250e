"""The cache may fail: a Redis cache whose every read and write fails open.

The cache holds nothing that PostgreSQL does not (today, only the progress
of an import job), so a cache that is down, refuses or hangs must cost a
progress bar, never a page: a read answers as a miss, a write is dropped,
each with a warning that names the operation only (keys may hold ids)."""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("nectos.cache")

# Methods that return a value, with what a failed call answers instead.
_READS = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
    "delete_many": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}


# After a failure the cache is skipped for this long (per process and
# thread), so that a hung Redis costs one socket timeout, not one per read.
PAUSE_AFTER_FAILURE = 10.0


def _fail_open(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback(args, kwargs)
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # any failure of the cache is a miss
            self._down_until = time.monotonic() + PAUSE_AFTER_FAILURE
            logger.warning(
                "Cache %s failed (%s); carrying on without it for %.0f s.",
                name,
                type(error).__name__,
                PAUSE_AFTER_FAILURE,
            )
            return fallback(args, kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


class FailOpenRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache, failing open. Pair it
    with short socket timeouts in OPTIONS so that a hung Redis costs a
    fraction of a second (settings.CACHES)."""

    _down_until = 0.0


for _name, _fallback in _READS.items():
    setattr(FailOpenRedisCache, _name, _fail_open(_name, _fallback))
# The async variants and get_or_set come from Django's base class, which
# calls these.
