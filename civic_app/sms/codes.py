"""One-time codes sent by SMS: to log in, to sign up, to sign a plan, at the desk.

Single use, short-lived, locked after too many tries, limited per number; the code
itself is only in the SMS, the table keeps its HMAC.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from civic_app.core.errors import DomainError
from civic_app.extensions import db
from civic_app.sms.limits import SmsLimitReached, spend_code_budget
from civic_app.sms.models import LoginCode
from civic_app.sms.operations import queue_sms
from civic_app.sms.templates import render_sms


class TooManyCodes(DomainError):
    """This number asked for too many codes; the view answers 429."""


def _code_hash(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_code(
    phone: str, *, purpose: str, now: datetime, ip: str | None = None, user=None
) -> tuple[LoginCode, str]:
    """A new one-time code for `phone`; older open codes of the same purpose stop working.

    Every code counts towards the limits per number, whether or not it is sent.

    :raise TooManyCodes: past the per-number limits (15 minutes and a day).
    """
    config = current_app.config
    recent = db.session.execute(
        db.select(
            func.count().filter(LoginCode.created_at > now - timedelta(minutes=15)),
            func.count(),
        ).where(LoginCode.phone == phone, LoginCode.created_at > now - timedelta(days=1))
    ).one()
    if (
        recent[0] >= config["LOGIN_CODES_PER_NUMBER_15MIN"]
        or recent[1] >= config["LOGIN_CODES_PER_NUMBER_DAY"]
    ):
        raise TooManyCodes("phone", _l("Hai chiesto troppi codici. Riprova più tardi."))
    try:
        spend_code_budget(phone)
    except SmsLimitReached as exc:
        raise TooManyCodes(exc.field, exc.message) from None
    code = f"{secrets.randbelow(10**6):06d}"
    for old in db.session.scalars(
        db.select(LoginCode).where(
            LoginCode.phone == phone, LoginCode.purpose == purpose, LoginCode.used_at.is_(None)
        )
    ):
        old.used_at = now
    login_code = LoginCode(
        phone=phone,
        user_id=getattr(user, "id", None),
        purpose=purpose,
        code_hash=_code_hash(phone, code),
        created_at=now,
        expires_at=now + timedelta(seconds=config["LOGIN_CODE_TTL_SECONDS"]),
        ip=ip,
    )
    db.session.add(login_code)
    db.session.flush()
    return login_code, code


def send_code(login_code: LoginCode, code: str, *, phone: str, language: str, now, user=None):
    """Queue the SMS that carries a code (urgent: it ignores quiet hours).

    The key is random, never the code's id: codes are deleted (expire_login_codes,
    erasure) and SQLite hands their ids out again, and a reused key would return the
    old message instead of sending the new code. Each call is one new code anyway.
    """
    return queue_sms(
        phone=phone,
        body=render_sms("login_code", language, code=code),
        kind="login_code",
        now=now,
        user=user,
        urgent=True,
        idempotency_key=f"code:{secrets.token_hex(16)}",
    )


def check_code(phone: str, code: str, *, now: datetime, purposes: tuple[str, ...]) -> LoginCode:
    """The latest open code of `phone` for one of `purposes`, if `code` is it; used up.

    :raise DomainError: on a wrong, expired, used or locked code (the attempt is counted).
    """
    login_code = db.session.scalar(
        db.select(LoginCode)
        .where(
            LoginCode.phone == phone,
            LoginCode.purpose.in_(purposes),
            LoginCode.used_at.is_(None),
        )
        .order_by(LoginCode.id.desc())
        .limit(1)
    )
    if login_code is None or login_code.expires_at <= now:
        raise DomainError("code", _l("Il codice è scaduto. Chiedine uno nuovo."))
    max_attempts = current_app.config["LOGIN_CODE_MAX_ATTEMPTS"]
    if login_code.attempts >= max_attempts:
        raise DomainError("code", _l("Troppi tentativi sbagliati. Chiedi un nuovo codice."))
    login_code.attempts += 1
    if not hmac.compare_digest(login_code.code_hash, _code_hash(phone, code.strip())):
        db.session.flush()
        if login_code.attempts >= max_attempts:
            raise DomainError("code", _l("Troppi tentativi sbagliati. Chiedi un nuovo codice."))
        raise DomainError("code", _l("Codice sbagliato. Controlla l'SMS e riprova."))
    login_code.used_at = now
    db.session.flush()
    return login_code


def expire_login_codes(now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    """Delete codes older than `keep` (they only count towards the daily limit)."""
    result = db.session.execute(db.delete(LoginCode).where(LoginCode.created_at < now - keep))
    return result.rowcount
