"""Run with the app's environment (bench/common.app_env): pick what the load drives, issue logins.

`python bench/appside.py targets` prints JSON: published projects, participants (with a
login cookie each), tutors with a session they may mark now (cookie, CSRF token, who is
on the roster), staff of each municipality, the coordinator, phones for the webhook.

Logins are session cookies made the way the app makes them (Flask-Login's login_user,
our session clocks, Flask-WTF's CSRF token) inside a test request context and signed
with the app's session serializer; no login page is driven, so no login rate limit or
SMS code is involved. The client sends the same User-Agent, so Flask-Login's "basic"
session protection sees the same identifier.
"""

import json
import sys
from datetime import timedelta

from flask import g, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from civic_app import create_app
from civic_app.core.accounts import User
from civic_app.core.clock import now
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.people.sessions import mark_login
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    SessionStatus,
    project_tutor,
)

USER_AGENT = "civic-bench/1"
MAX_USERS = 50


def issue_cookie(app, user, *, csrf: bool = False) -> dict:
    with app.test_request_context(
        "/", headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        g.pop("csrf_token", None)  # one raw token per login, not the previous one's
        mark_login(user, now())
        login_user(user)
        token = generate_csrf() if csrf else None
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return {
        "user_id": user.id,
        "cookie": f"{app.config['SESSION_COOKIE_NAME']}={value}",
        "csrf": token,
    }


def markable_sessions(moment, limit: int) -> list[tuple[ProjectSession, User]]:
    """Sessions a tutor may mark now (started, not cancelled, month not locked), most recent
    first, each with one of its project's tutors and at least one person on the roster."""
    from civic_app.attendance.operations import is_locked, month_of
    from civic_app.projects.enrolments import expected_ids

    month_start = to_local(moment).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    candidates = db.session.execute(
        db.select(ProjectSession, project_tutor.c.user_id)
        .join(project_tutor, project_tutor.c.project_id == ProjectSession.project_id)
        .where(
            ProjectSession.status == SessionStatus.SCHEDULED,
            ProjectSession.starts_at <= moment + timedelta(hours=1),
            ProjectSession.starts_at >= month_start - timedelta(days=7),
        )
        .order_by(ProjectSession.starts_at.desc())
        .limit(400)
    ).all()
    chosen, used_tutors = [], set()
    for session_row, tutor_id in candidates:
        if tutor_id in used_tutors:
            continue
        if is_locked(session_row.municipality_id, month_of(session_row.starts_at)):
            continue
        if not expected_ids(session_row):
            continue
        used_tutors.add(tutor_id)
        chosen.append((session_row, db.session.get(User, tutor_id)))
        if len(chosen) >= limit:
            break
    return chosen


def add_markable_sessions(moment, limit: int) -> None:
    """When the data set has no session to mark now (the demo data), add one-off sessions
    that started half an hour ago to projects with tutors and accepted participants."""
    from civic_app.projects.operations import _new_session

    with_people = db.select(Enrolment.project_id).where(
        Enrolment.status == EnrolmentStatus.ACCEPTED
    )
    projects = db.session.scalars(
        db.select(Project)
        .where(Project.id.in_(db.select(project_tutor.c.project_id)), Project.id.in_(with_people))
        .order_by(Project.id)
        .limit(limit)
    ).all()
    for project in projects:
        _new_session(
            project,
            moment - timedelta(minutes=30),
            moment + timedelta(minutes=90),
            project.venue_id,
            note="bench",
            is_exception=True,
        )
    db.session.commit()


def targets() -> dict:
    from civic_app.attendance.models import Attendance
    from civic_app.attendance.operations import session_hours
    from civic_app.projects.enrolments import expected_ids

    app = create_app()
    with app.app_context():
        moment = now()
        projects = list(
            db.session.scalars(
                db.select(Project.id)
                .where(Project.status == "published")
                .order_by(Project.id)
                .limit(MAX_USERS)
            )
        )
        participants = db.session.scalars(
            db.select(User)
            .where(
                User.role == Role.PARTICIPANT,
                User.phone.is_not(None),
                User.id.in_(
                    db.select(Enrolment.participant_id).where(
                        Enrolment.status == EnrolmentStatus.ACCEPTED
                    )
                ),
            )
            .order_by(User.id)
            .limit(MAX_USERS)
        ).all()
        tutors = []
        markable = markable_sessions(moment, 8)
        if not markable:
            add_markable_sessions(moment, 8)
            markable = markable_sessions(moment, 8)
        for session_row, tutor in markable:
            people = set(expected_ids(session_row)) | set(
                db.session.scalars(
                    db.select(Attendance.participant_id).where(
                        Attendance.session_id == session_row.id
                    )
                )
            )
            tutors.append(
                issue_cookie(app, tutor, csrf=True)
                | {
                    "session_id": session_row.id,
                    "participants": sorted(people),
                    "hours": str(session_hours(session_row)),
                }
            )
        staff = []
        for municipality in db.session.scalars(db.select(Municipality).order_by(Municipality.id)):
            user = db.session.scalar(
                db.select(User)
                .where(
                    User.role == Role.STAFF,
                    User.municipality_id == municipality.id,
                    User.is_active_account.is_(True),
                )
                .order_by(User.id)
                .limit(1)
            )
            if user is not None:
                staff.append(issue_cookie(app, user))
        coordinator = db.session.scalar(
            db.select(User)
            .where(User.role == Role.COORDINATOR, User.is_active_account.is_(True))
            .order_by(User.id)
            .limit(1)
        )
        phones = list(
            db.session.scalars(
                db.select(User.phone)
                .where(User.role == Role.PARTICIPANT, User.phone.is_not(None))
                .order_by(User.id)
                .limit(200)
            )
        )
        counts = {
            "participants": db.session.scalar(
                db.select(db.func.count(User.id)).where(User.role == Role.PARTICIPANT)
            ),
            "projects": db.session.scalar(db.select(db.func.count(Project.id))),
            "sessions": db.session.scalar(db.select(db.func.count(ProjectSession.id))),
            "attendance": db.session.scalar(db.select(db.func.count(Attendance.id))),
        }
        return {
            "user_agent": USER_AGENT,
            "projects": projects,
            "participants": [issue_cookie(app, p) for p in participants],
            "tutors": tutors,
            "staff": staff,
            "coordinator": issue_cookie(app, coordinator) if coordinator else None,
            "caseworkers": caseworkers(app, 8),
            "phones": phones,
            "counts": counts,
        }


def caseworkers(app, limit: int) -> list[dict]:
    """Caseworkers who also manage housing, one per municipality, each with a case of
    theirs that has housing measures (the busiest first)."""
    from civic_app.casework.models import Intake
    from civic_app.housing.models import HousingMeasure

    busiest = db.session.execute(
        db.select(HousingMeasure.intake_id, HousingMeasure.municipality_id)
        .join(Intake, Intake.id == HousingMeasure.intake_id)
        .join(User, User.id == Intake.person_id)
        .where(User.erased_at.is_(None))
        .group_by(HousingMeasure.intake_id, HousingMeasure.municipality_id)
        .order_by(db.func.count().desc(), HousingMeasure.intake_id)
        .limit(400)
    ).all()
    chosen, used = [], set()
    for intake_id, municipality_id in busiest:
        if municipality_id in used:
            continue
        user = db.session.scalar(
            db.select(User)
            .where(
                User.role == Role.CASEWORKER,
                User.municipality_id == municipality_id,
                User.grants.contains(",housing,"),
                User.is_active_account.is_(True),
            )
            .order_by(User.id)
            .limit(1)
        )
        if user is None:
            continue
        used.add(municipality_id)
        chosen.append(issue_cookie(app, user) | {"intake_id": intake_id})
        if len(chosen) >= limit:
            break
    return chosen


def targets_for_profile(app) -> dict:
    """Logins of the first municipality's staff, caseworker (who manages housing too) and
    of the coordinator, a tutor and an enrolled participant (app context)."""
    staff = db.session.scalar(
        db.select(User).where(User.role == Role.STAFF).order_by(User.municipality_id, User.id)
    )
    coordinator = db.session.scalar(
        db.select(User).where(User.role == Role.COORDINATOR).order_by(User.id)
    )
    caseworker = db.session.scalar(
        db.select(User)
        .where(User.role == Role.CASEWORKER, User.grants.contains(",housing,"))
        .order_by(User.municipality_id, User.id)
    )
    tutor = db.session.scalar(
        db.select(User)
        .where(User.role == Role.TUTOR, User.id.in_(db.select(project_tutor.c.user_id)))
        .order_by(User.id)
    )
    participant = db.session.scalar(
        db.select(User)
        .where(
            User.role == Role.PARTICIPANT,
            User.id.in_(
                db.select(Enrolment.participant_id).where(
                    Enrolment.status == EnrolmentStatus.ACCEPTED
                )
            ),
        )
        .order_by(User.id)
    )
    return {
        "participant": issue_cookie(app, participant),
        "staff": issue_cookie(app, staff),
        "coordinator": issue_cookie(app, coordinator),
        "caseworker": issue_cookie(app, caseworker),
        "tutor": issue_cookie(app, tutor),
    }


if __name__ == "__main__":
    if sys.argv[1:] != ["targets"]:
        sys.exit("usage: appside.py targets")
    json.dump(targets(), sys.stdout)
