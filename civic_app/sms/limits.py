"""Limits against SMS abuse (pumping codes to expensive numbers, floods of sign-ups).

Counted in the rate-limit storage (Redis when REDIS_URL is set, so every web worker
and the scheduler share the counts; memory otherwise): per country prefix, a daily
budget for the whole site, and per number for sign-ups by SMS. An allow-list of
country calling codes (SMS_ALLOWED_COUNTRY_CODES) refuses the others outright.
"""

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse, storage, strategies

from civic_app.core.errors import DomainError


class SmsLimitReached(DomainError):
    """Too many SMS of this kind for now; the view answers 429."""


def _limiter():
    app = current_app
    if "civic_sms_limits" not in app.extensions:
        backend = storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions["civic_sms_limits"] = strategies.MovingWindowRateLimiter(backend)
    return app.extensions["civic_sms_limits"]


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
    limiter = _limiter()
    config = current_app.config
    if not limiter.hit(parse(config["SMS_CODES_PER_COUNTRY"]), *_key("country", code)):
        raise SmsLimitReached(field, _l("Troppe richieste da questo paese. Riprova più tardi."))
    if not limiter.hit(parse(config["SMS_DAILY_BUDGET"]), *_key("budget")):
        raise SmsLimitReached(field, _l("Il servizio SMS è molto richiesto. Riprova domani."))


def spend_join(phone: str) -> bool:
    """Count a sign-up by SMS from `phone`; False when it asked too often today."""
    try:
        check_country_allowed(phone)
    except DomainError:
        return False
    limiter = _limiter()
    config = current_app.config
    return limiter.hit(parse(config["SMS_JOINS_PER_NUMBER"]), *_key("join", phone)) and limiter.hit(
        parse(config["SMS_CODES_PER_COUNTRY"]), *_key("country", country_code(phone))
    )
