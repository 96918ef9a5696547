"""The optional second factor of staff, tutors and coordinators: TOTP (RFC 6238).

The secret is stored in base32 on the user (the database is the trust boundary, see
docs/security.md) and never logged or audited. These functions flush; the caller
commits.
"""

import hmac
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from markupsafe import Markup

from civic_app.core import redis_health
from civic_app.core.accounts import User
from civic_app.core.brand import current_brand
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db, limiter

#: Roles that log in with a password, and so may add a second factor.
TOTP_ROLES = frozenset({Role.TUTOR, Role.STAFF, Role.CASEWORKER, Role.COORDINATOR})
#: A code is accepted from the step before to the step after (a phone clock 30 s off).
STEP = timedelta(seconds=30)
#: Long enough to outlive the three steps a code is accepted in.
USED_CODE_MEMORY = "1 per 3 minutes"


def issuer() -> str:
    """The name an authenticator app shows beside the codes: the programme's."""
    return current_brand().name


def totp_required(user: User) -> bool:
    return user.role == Role.COORDINATOR and current_app.config["REQUIRE_TOTP_FOR_COORDINATORS"]


def setup_secret(user: User) -> str:
    """The secret being set up: made once and kept until confirmed, so a reload shows
    the same one the phone may already have scanned."""
    if user.totp_enabled_at is None and not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def grouped(secret: str) -> str:
    """The secret in groups of four letters, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email or f"user-{user.id}", issuer_name=issuer()
    )


def qr_svg(uri: str) -> Markup:
    """The otpauth:// URI as an inline SVG QR code (attributes only, no style: the CSP)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    # segno writes every character of it; the URI is only encoded in the modules.
    return Markup(svg)  # noqa: S704  # nosec B704


def _first_use(user: User, counter: int) -> bool:
    """False when this code was already accepted: a code read over a shoulder, or sent
    twice, does not log in a second time. Remembered in the rate-limit storage (Redis
    when configured), which every worker shares."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "civic"
    try:
        first = limiter.limiter.hit(
            parse(USED_CODE_MEMORY), prefix, "totp-used", str(user.id), str(counter)
        )
    except Exception as error:  # noqa: BLE001 - storage away: the code is still right
        redis_health.failed("the TOTP replay check (skipped)", error)
        return True
    return first


def code_is_right(user: User, code: str, now: datetime) -> bool:
    """Whether `code` is the user's current TOTP code (once per code)."""
    code = (code or "").strip()
    if not user.totp_secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    for at in (now - STEP, now, now + STEP):
        if hmac.compare_digest(totp.at(at), code):
            return _first_use(user, totp.timecode(at))
    return False


def enable_totp(user: User, code: str, now: datetime) -> None:
    """Turn the second factor on once the phone shows the right code.

    :raise DomainError: on a wrong code (the setup stays pending).
    """
    if user.totp_enabled_at is not None:
        return
    setup_secret(user)
    if not code_is_right(user, code, now):
        raise DomainError("code", _l("Codice sbagliato. Controlla l'app e riprova."))
    user.totp_enabled_at = now
    db.session.flush()


def disable_totp(user: User, code: str, now: datetime) -> None:
    """Turn the second factor off, proven by a current code.

    :raise DomainError: when it is required for this user, or on a wrong code.
    """
    if totp_required(user):
        raise DomainError(
            None, _l("Per il coordinamento la verifica in due passaggi è obbligatoria.")
        )
    if not code_is_right(user, code, now):
        raise DomainError("code", _l("Codice sbagliato. Controlla l'app e riprova."))
    user.totp_secret = None
    user.totp_enabled_at = None
    db.session.flush()


def reset_totp(user: User) -> None:
    """Remove the second factor (a lost phone); the person sets it up again."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.rotate_session_token()
    db.session.flush()
