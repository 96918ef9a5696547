from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from civic_app.core import bp, redis_health
from civic_app.core.forms import LanguageForm
from civic_app.core.permissions import Role
from civic_app.core.redirects import safe_next
from civic_app.extensions import csrf, db, limiter

#: Where each role lands: the page of what needs them first (endpoints named, not imported:
#: core knows no feature).
LANDING = {
    Role.PARTICIPANT: "people.home",
    Role.CASEWORKER: "casework.home",
    Role.TUTOR: "attendance.tutor_home",
    Role.STAFF: "people.staff_today",
    Role.COORDINATOR: "reports.national",
}


@bp.route("/")
def index():
    if current_user.is_authenticated and current_user.role in LANDING:
        return redirect(url_for(LANDING[current_user.role]))
    return render_template("core/index.html")


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database=False), 503
    body = {"status": "ok", "database": True}
    redis = redis_health.report(current_app.config.get("REDIS_URL"))
    if redis["configured"]:
        # Redis away is no outage: every use falls back (core/redis_health.py), so the
        # site is "degraded" and still answers 200.
        body["redis"] = redis["reachable"]
        if redis["down_since"] is not None:
            body["redis_fallback_since"] = redis["down_since"].isoformat(timespec="seconds")
        if not redis["reachable"] or redis["down_since"] is not None:
            body["status"] = "degraded"
    return jsonify(body)


@bp.route("/language", methods=["POST"])
@csrf.exempt
def set_language():
    # An anonymous visitor's switch carries no CSRF token (the public pages it sits on are
    # shared by every visitor, core/public_pages.py): it only sets this browser's page
    # language and redirects on this site, which a forged request gains nothing from.
    # Logged in, it also changes the account's SMS language, so the token is checked.
    if current_user.is_authenticated:
        csrf.protect()
    form = LanguageForm(meta={"csrf": False})
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        # The account's language is also its SMS language: one the pages do not have
        # (Bengali ...) stays, and only this browser's pages change.
        pages = current_app.config["LANGUAGES"]
        if current_user.is_authenticated and current_user.preferred_language in pages:
            current_user.preferred_language = form.lang.data
            db.session.commit()
    # Only paths on this site, never another host (core.redirects).
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))
