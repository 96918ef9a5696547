"""Redis going away: every use degrades instead of failing, and says so once.

Redis (REDIS_URL) holds what the processes share: the SMS budgets (sms/limits.py), the
TOTP codes already used and Flask-Limiter's counters (both in the rate-limit storage),
and the national figures (reports/cache.py). When it cannot be reached, each use falls
back: counters in this process's memory, figures computed here. The first failure of
an outage is logged once, as is the recovery; while it lasts, Redis is tried again at
most every RETRY_SECONDS, so a request never waits on it twice in a row (`attempt`).
`report()` tells /healthz and /staff/scheduler since when this process works without it.

The state is per process (each worker finds out for itself); `probe(url)` asks Redis
directly, for the health pages. Nothing personal is logged: only what fell back.
"""

import logging
import threading
import time
from datetime import UTC, datetime

log = logging.getLogger(__name__)

#: While Redis is down, how often a use tries it again.
RETRY_SECONDS = 5.0

_lock = threading.Lock()
_down_since: datetime | None = None
_last_try = 0.0
_fallen_back: set[str] = set()


def use_redis() -> bool:
    """Whether to try Redis now: always while it works, every RETRY_SECONDS while not."""
    global _last_try
    with _lock:
        if _down_since is None:
            return True
        if time.monotonic() - _last_try >= RETRY_SECONDS:
            _last_try = time.monotonic()
            return True
        return False


def failed(use: str, error: BaseException) -> None:
    """Redis did not answer for `use` (e.g. "SMS budgets"): log once per outage and use."""
    global _down_since, _last_try
    with _lock:
        first = _down_since is None
        if first:
            _down_since = datetime.now(UTC)
        _last_try = time.monotonic()
        new = use not in _fallen_back
        _fallen_back.add(use)
    if first or new:
        log.error(
            "Redis unreachable (%s): %s falls back to this process", type(error).__name__, use
        )


def worked(use: str) -> None:
    """Redis answered for `use`: the outage, if any, is over."""
    global _down_since
    if _down_since is None:  # the common case, without the lock
        return
    with _lock:
        if _down_since is None:
            return
        since, _down_since = _down_since, None
        _fallen_back.clear()
    log.warning("Redis reachable again (%s), after an outage since %s", use, since.isoformat())


def attempt(use: str, call, fallback):
    """`call()` on Redis for `use`, or `fallback()` when Redis is away or fails now."""
    if use_redis():
        try:
            value = call()
        except Exception as error:  # noqa: BLE001 - Redis away: the use falls back
            failed(use, error)
        else:
            worked(use)
            return value
    return fallback()


def report(url: str | None) -> dict:
    """What /healthz and /staff/scheduler show: configured, reachable now (a PING), and
    since when this process works without it (None while it works)."""
    with _lock:
        since = _down_since
    return {"configured": bool(url), "reachable": probe(url), "down_since": since}


def probe(url: str | None) -> bool | None:
    """Whether Redis at `url` answers a PING within half a second; None without a URL."""
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means: not reachable now
        return False
    finally:
        client.close()


def reset() -> None:
    """Forget the outage (tests)."""
    global _down_since, _last_try
    with _lock:
        _down_since, _last_try = None, 0.0
        _fallen_back.clear()
