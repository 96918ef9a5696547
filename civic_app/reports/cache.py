"""A short-lived cache of the coordinator's computed figures (national dashboard, fund).

The national figures are aggregates over the whole network (no names), and computing
them reads every attendance row and message of the period: seconds at scale. They are
kept for `NATIONAL_CACHE_SECONDS` (default 300; 0 turns the cache off, as in tests),
keyed by what was asked (the kind of figures and the filter values), in Redis when
`REDIS_URL` is set (shared by every worker) or else in this process, behind a lock so
that concurrent requests compute a missing entry once. Every entry carries the moment
it was computed; pages say "figures as of HH:MM". docs/reports.md documents it.
"""

import pickle
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app

from civic_app.core import redis_health
from civic_app.core.clock import now

_local: dict[tuple, tuple[float, datetime, Any]] = {}
_local_lock = threading.Lock()
_key_locks: dict[tuple, threading.Lock] = {}
_MAX_LOCAL = 64
#: Changed whenever what an entry holds changes shape (2: the pillars' figures; 3: the page
#: read at a glance), so that a new release never reads a snapshot or a page an older one
#: left in Redis.
_PREFIX = "civic:national:3:"
#: How long a web process reuses an entry it read from Redis before reading it again.
REDIS_MEMO_SECONDS = 30


def _ttl() -> int:
    return int(current_app.config.get("NATIONAL_CACHE_SECONDS", 0) or 0)


#: What falls back when Redis is away (core/redis_health.py).
USE = "national figures cache"
_AWAY = object()


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    clients = current_app.extensions.setdefault("civic_national_cache", {})
    if url not in clients:
        import redis

        clients[url] = redis.Redis.from_url(url, socket_timeout=2)
    return clients[url]


def cached(
    key: tuple, compute: Callable[[], Any], *, refresh: bool = False
) -> tuple[Any, datetime]:
    """(value, computed at): `compute()`'s value for `key`, reused for the cache's lifetime.

    :param refresh: compute and store it even if an entry is still fresh (the scheduled
        job that keeps the default figures ready, reports/network.py).
    """
    ttl = _ttl()
    if ttl <= 0:
        return compute(), now()
    client = _redis()
    if client is not None:
        if not refresh:
            hit = _local_hit(key)
            if hit is not None:
                return hit
        value, at = _cached_redis(client, key, compute, ttl, refresh)
        # Kept here too, briefly: unpickling the network's figures from Redis on every
        # request cost more than rendering the page; a worker reads them at most once
        # per REDIS_MEMO_SECONDS and still sees what the scheduler refreshed soon after.
        _remember(key, value, at, min(ttl, REDIS_MEMO_SECONDS))
        return value, at
    with _local_lock:
        lock = _key_locks.setdefault(key, threading.Lock())
    with lock:  # one computation per key at a time; the others wait and reuse it
        hit = None if refresh else _local_hit(key)
        if hit is not None:
            return hit
        value, at = compute(), now()
        _remember(key, value, at, ttl)
        return value, at


def _local_hit(key: tuple) -> tuple[Any, datetime] | None:
    hit = _local.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[2], hit[1]
    return None


def _remember(key: tuple, value: Any, at: datetime, seconds: float) -> None:
    with _local_lock:
        if len(_local) >= _MAX_LOCAL:
            expired = [k for k, v in _local.items() if v[0] <= time.monotonic()]
            for k in expired or list(_local)[: len(_local) // 2]:
                _local.pop(k, None)
                _key_locks.pop(k, None)  # keys carry times: their locks must go too
        _local[key] = (time.monotonic() + seconds, at, value)


def _cached_redis(client, key: tuple, compute, ttl: int, refresh: bool) -> tuple[Any, datetime]:
    name = _PREFIX + repr(key)
    raw = redis_health.attempt(USE, lambda: None if refresh else client.get(name), lambda: _AWAY)
    if raw is _AWAY:  # a cache that cannot answer is no cache
        return compute(), now()
    if raw is not None:
        at, value = pickle.loads(raw)  # noqa: S301 - our own entries, in our own Redis
        return value, at
    value, at = compute(), now()
    payload = pickle.dumps((at, value))
    redis_health.attempt(USE, lambda: client.set(name, payload, ex=ttl), lambda: None)
    return value, at


def clear() -> None:
    """Forget the in-process entries (tests, or after a data correction)."""
    with _local_lock:
        _local.clear()
