"""The tutor's day without signal: what the phone keeps, and for whom.

The service worker (`static/js/roster-sw.js`, served as `/tutor/sw.js`) keeps only the
responses that carry `X-Offline-Keep`: the server decides, page by page, what may stay on
a phone. Only a tutor's own pages get it (never a staff member's roster, never another
role's page), with a token naming the tutor without naming them, so that a phone passed
to someone else drops the first tutor's copies.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_login import current_user

from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_day_bounds, to_local
from civic_app.extensions import db
from civic_app.projects.models import ProjectSession, project_tutor
from civic_app.projects.operations import scheduled_sessions

OFFLINE_HEADER = "X-Offline-Keep"


def owner_token(user) -> str:
    """Who a kept copy belongs to: stable across logins, meaningless outside this site."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"offline-owner:{user.id}".encode(), hashlib.sha256).hexdigest()[:24]


def keep_offline(response):
    """Let the service worker keep this response, when it is a tutor's own page."""
    if current_user.is_authenticated and current_user.role == Role.TUTOR:
        response.headers[OFFLINE_HEADER] = owner_token(current_user)
    return response


def offline_window(moment) -> tuple[datetime, datetime]:
    """From the start of today to the end of tomorrow (Rome): the sessions kept offline,
    and those whose roster comes with its form ready for when the session starts."""
    today = to_local(moment).date()
    return local_day_bounds(today)[0], local_day_bounds(today + timedelta(days=1))[1]


def in_offline_window(session: ProjectSession, moment) -> bool:
    start, end = offline_window(moment)
    return session.starts_at < end and session.ends_at >= start


def sessions_to_keep(user, moment) -> list[ProjectSession]:
    """The tutor's scheduled sessions of today and tomorrow."""
    start, end = offline_window(moment)
    assigned = db.select(project_tutor.c.project_id).where(project_tutor.c.user_id == user.id)
    return db.session.scalars(
        scheduled_sessions(assigned)
        .where(ProjectSession.ends_at >= start, ProjectSession.starts_at < end)
        .order_by(ProjectSession.starts_at)
        .limit(50)
    ).all()
