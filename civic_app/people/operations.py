"""Accounts and logging in. These flush; the caller commits."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from werkzeug.security import check_password_hash, generate_password_hash

from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.people.models import LoginCode, User
from civic_app.sms.operations import queue_sms
from civic_app.sms.templates import render_sms

# Compared against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


class TooManyCodes(DomainError):
    """This number asked for too many codes; the view answers 429."""


def set_password(user: User, password: str) -> None:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    user.password_hash = generate_password_hash(password, method=method)


def authenticate_password(email: str, password: str) -> User | None:
    """The active staff, tutor or coordinator account with this email and password, or None."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active_account:
        return None
    return user


def _code_hash(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_login_code(phone: str, *, now: datetime, ip: str | None = None):
    """Make a login code for `phone` and queue it by SMS if an active participant has that number.

    Returns the queued Message, or None when the number is unknown (the caller
    answers the same either way). Unknown numbers still get a LoginCode row, so
    that the limits per number count them too.

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

    user = db.session.scalar(
        db.select(User).where(
            User.phone == phone, User.role == Role.PARTICIPANT, User.is_active_account.is_(True)
        )
    )
    code = f"{secrets.randbelow(10**6):06d}"
    # A new code replaces the older ones still open.
    for old in db.session.scalars(
        db.select(LoginCode).where(LoginCode.phone == phone, LoginCode.used_at.is_(None))
    ):
        old.used_at = now
    login_code = LoginCode(
        phone=phone,
        user_id=getattr(user, "id", None),
        code_hash=_code_hash(phone, code),
        created_at=now,
        expires_at=now + timedelta(seconds=config["LOGIN_CODE_TTL_SECONDS"]),
        ip=ip,
    )
    db.session.add(login_code)
    db.session.flush()
    if user is None:
        return None
    return queue_sms(
        phone=phone,
        body=render_sms("login_code", user.preferred_language, code=code),
        kind="login_code",
        now=now,
        user=user,
        urgent=True,
        idempotency_key=f"login_code:{login_code.id}",
    )


def verify_login_code(phone: str, code: str, *, now: datetime) -> User:
    """The participant whose latest open code for `phone` is `code`; the code is used up.

    :raise DomainError: on a wrong, expired, used or locked code (the attempt is counted).
    """
    login_code = db.session.scalar(
        db.select(LoginCode)
        .where(LoginCode.phone == phone, LoginCode.used_at.is_(None))
        .order_by(LoginCode.id.desc())
        .limit(1)
    )
    if login_code is None or login_code.expires_at <= now:
        raise DomainError("code", _l("Il codice è scaduto. Chiedine uno nuovo."))
    if login_code.attempts >= current_app.config["LOGIN_CODE_MAX_ATTEMPTS"]:
        raise DomainError("code", _l("Troppi tentativi sbagliati. Chiedi un nuovo codice."))
    login_code.attempts += 1
    good = hmac.compare_digest(login_code.code_hash, _code_hash(phone, code.strip()))
    user = db.session.get(User, login_code.user_id) if login_code.user_id else None
    if not good or user is None or not user.is_active_account:
        db.session.flush()
        left = current_app.config["LOGIN_CODE_MAX_ATTEMPTS"] - login_code.attempts
        if left <= 0:
            raise DomainError("code", _l("Troppi tentativi sbagliati. Chiedi un nuovo codice."))
        raise DomainError("code", _l("Codice sbagliato. Controlla l'SMS e riprova."))
    login_code.used_at = now
    user.last_login_at = now
    db.session.flush()
    return user


def expire_login_codes(now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    """Delete codes older than `keep` (they only count towards the daily limit)."""
    result = db.session.execute(db.delete(LoginCode).where(LoginCode.created_at < now - keep))
    return result.rowcount
