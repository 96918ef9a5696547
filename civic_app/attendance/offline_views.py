"""The routes of the tutor's offline day: what to keep (for the service worker), the
offline page. What is kept and for whom: `attendance.offline`."""

from flask import g, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from civic_app.attendance import bp
from civic_app.attendance.offline import (
    OFFLINE_HEADER,
    keep_offline,
    owner_token,
    sessions_to_keep,
)
from civic_app.core.clock import now
from civic_app.core.permissions import Role, roles_required


@bp.route("/tutor/offline.json")
@roles_required(Role.TUTOR)
def offline_manifest():
    """What the service worker keeps for this tutor, and a fresh CSRF token for sending the
    marks made offline (the page they were made on may be hours old)."""
    pages = [url_for("attendance.tutor_home")] + [
        url_for("attendance.roster", session_id=s.id) for s in sessions_to_keep(current_user, now())
    ]
    return jsonify(
        owner=owner_token(current_user),
        pages=pages,
        offline=url_for("attendance.offline_page"),
        csrf=generate_csrf(),
    )


@bp.route("/tutor/offline")
def offline_page():
    """Shown by the service worker for a page it has not kept: nothing personal in it."""
    return render_template("attendance/offline.html")


#: The pages a tutor's phone keeps for a day without signal.
KEPT = frozenset({"attendance.tutor_home", "attendance.roster"})


@bp.after_request
def _mark_kept(response):
    if request.endpoint in KEPT and request.method == "GET" and response.status_code == 200:
        keep_offline(response)
    return response


@bp.app_template_global("offline_owner")
def _offline_owner(user) -> str:
    return owner_token(user)


@bp.after_app_request
def _forget_for_others(response):
    """A page of someone logged in who is not a tutor tells a tutor's service worker on this
    phone to drop what it kept (a phone passed on, a session left open)."""
    user = g.get("_login_user")  # never loaded here: only a page that loaded it
    if (
        user is not None
        and user.is_authenticated
        and user.role != Role.TUTOR
        and response.mimetype == "text/html"
    ):
        response.headers.setdefault(OFFLINE_HEADER, "none")
    return response
