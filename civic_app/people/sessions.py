"""How long a login lasts, and what a logged-in person must do first.

The session (a signed cookie) holds when the person logged in and when they were
last seen, in the app's clock. Every request checks both against the limits of
the person's role: past the idle or the absolute limit the person is logged out
and sent to the login page with a message. A copied cookie carries the same
times, so it expires as well. Ending every session at once (logout, a disabled
account, a new role) is the session token's job (`User.rotate_session_token`).
"""

from datetime import datetime, timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.people import bp

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
#: Pages that serve a logged-out person as they are (no redirect after a timeout).
LOGIN_ENDPOINTS = frozenset(
    {"people.login", "people.login_phone", "people.login_code", "people.login_totp"}
)
#: Pages a coordinator may reach before turning on the required second factor.
TOTP_SETUP_ENDPOINTS = frozenset(
    {"people.account_security", "people.enable_totp_view", "people.logout", "core.set_language"}
)


def session_limits(user) -> tuple[timedelta, timedelta]:
    """(idle, absolute) session limits for `user`'s role."""
    config = current_app.config
    if user.role == Role.PARTICIPANT:
        return (
            timedelta(minutes=config["PARTICIPANT_SESSION_IDLE_MINUTES"]),
            timedelta(hours=config["PARTICIPANT_SESSION_ABSOLUTE_HOURS"]),
        )
    return (
        timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


def mark_login(user, at: datetime) -> None:
    """Start the clocks of a fresh login.

    Participants' cookies outlive the browser (their limits are days); staff cookies
    end when the browser closes, which matters on a shared office PC.
    """
    session[LOGIN_AT] = session[SEEN_AT] = at.timestamp()
    session.permanent = user.role == Role.PARTICIPANT


def clear_session_but_language() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def login_page_for(user) -> str:
    endpoint = "people.login_phone" if user.role == Role.PARTICIPANT else "people.login"
    # The path only: a query string may hold what someone searched for (a name).
    target = request.path if request.method == "GET" and request.path != "/" else None
    return url_for(endpoint, next=target) if target else url_for(endpoint)


@bp.before_app_request
def enforce_session_limits():
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    if not current_user.is_authenticated:
        return None  # an ended session: Flask-Login has already ignored the cookie
    user = current_user._get_current_object()
    at = now().timestamp()
    # A session from before these limits existed starts its clocks now.
    login_at = session.setdefault(LOGIN_AT, at)
    seen_at = session.get(SEEN_AT, at)
    idle, absolute = session_limits(user)
    reason = None
    if at - seen_at > idle.total_seconds():
        reason = "idle"
    elif at - login_at > absolute.total_seconds():
        reason = "absolute"
    if reason:
        target = login_page_for(user)
        record("auth.session_expired", user, actor=user, details={"reason": reason})
        db.session.commit()
        logout_user()
        clear_session_but_language()
        flash(_("La sessione è scaduta. Per sicurezza, accedi di nuovo."), "error")
        return None if request.endpoint in LOGIN_ENDPOINTS else redirect(target)
    session[SEEN_AT] = at
    if (
        user.role == Role.COORDINATOR
        and current_app.config["REQUIRE_TOTP_FOR_COORDINATORS"]
        and user.totp_enabled_at is None
        and request.endpoint not in TOTP_SETUP_ENDPOINTS | LOGIN_ENDPOINTS
    ):
        flash(_("Prima di continuare, attiva la verifica in due passaggi."), "error")
        return redirect(url_for("people.account_security"))
    return None
