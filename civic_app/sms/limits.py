"""Limits against SMS abuse (pumping codes to expensive numbers, floods of sign-ups).

Counted in the rate-limit storage (Redis when REDIS_URL is set, so every web worker
and the scheduler share the counts; memory otherwise): per country prefix, a daily
budget for the whole site, and per number for sign-ups by SMS. An allow-list of
country calling codes (SMS_ALLOWED_COUNTRY_CODES) refuses the others outright.

When Redis cannot be reached the counts go on in this process's memory, as Flask-Limiter
does (core/redis_health.py: logged once, retried every few seconds, shown on /healthz
and /staff/scheduler): a sign-up or a login code is never refused with an error because
Redis is away, and the budgets still hold per process.
"""

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse, storage, strategies

from civic_app.core import redis_health
from civic_app.core.errors import DomainError


class SmsLimitReached(DomainError):
    """Too many SMS of this kind for now; the view answers 429."""


USE = "SMS budgets"


def _limiters():
    """(the configured limiter, the in-memory one it falls back to, or None on memory)."""
    app = current_app
    if "civic_sms_limits" not in app.extensions:
        uri = app.config["RATELIMIT_STORAGE_URI"]
        backend = storage.storage_from_string(uri, **app.config["RATELIMIT_STORAGE_OPTIONS"])
        fallback = None
        if not isinstance(backend, storage.MemoryStorage):
            fallback = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        app.extensions["civic_sms_limits"] = (strategies.MovingWindowRateLimiter(backend), fallback)
    return app.extensions["civic_sms_limits"]


def _hit(limit: str, *key: str) -> bool:
    """Count one hit of `limit` for `key`; False when over it. Redis, or memory without."""
    shared, fallback = _limiters()
    item, keys = parse(limit), _key(*key)
    if fallback is None:
        return shared.hit(item, *keys)
    return redis_health.attempt(
        USE, lambda: shared.hit(item, *keys), lambda: fallback.hit(item, *keys)
    )


def _key(*parts: str) -> tuple[str, ...]:
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "civic", *parts)


def country_code(phone: str) -> str:
    return str(phonenumbers.parse(phone, None).country_code)


def check_country_allowed(phone: str, field: str = "phone") -> str:
    """:raise DomainError: for a number outside the allow-list (when one is set)."""
    code = country_code(phone)
    allowed = current_app.config["SMS_ALLOWED_COUNTRY_CODES"]
    if allowed and code not in allowed:
        raise DomainError(field, _l("Non possiamo mandare SMS a numeri di questo paese."))
    return code


def spend_code_budget(phone: str, field: str = "phone") -> None:
    """Count one code SMS to `phone` against the country and daily budgets.

    :raise DomainError: outside the allow-list. :raise SmsLimitReached: over a budget.
    """
    code = check_country_allowed(phone, field)
    config = current_app.config
    if not _hit(config["SMS_CODES_PER_COUNTRY"], "country", code):
        raise SmsLimitReached(field, _l("Troppe richieste da questo paese. Riprova più tardi."))
    if not _hit(config["SMS_DAILY_BUDGET"], "budget"):
        raise SmsLimitReached(field, _l("Il servizio SMS è molto richiesto. Riprova domani."))


def spend_join(phone: str) -> bool:
    """Count a sign-up by SMS from `phone`; False when it asked too often today."""
    try:
        check_country_allowed(phone)
    except DomainError:
        return False
    config = current_app.config
    return _hit(config["SMS_JOINS_PER_NUMBER"], "join", phone) and _hit(
        config["SMS_CODES_PER_COUNTRY"], "country", country_code(phone)
    )
