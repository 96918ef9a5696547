"""Plan milestones (first session tomorrow, half of the target hours, target reached), and
the reminder sweep that the scheduler runs: session reminders, then milestones."""

from datetime import datetime, timedelta

from sqlalchemy import func

from civic_app.attendance.models import Attendance
from civic_app.core.accounts import User
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    ProjectSession,
    SessionStatus,
)
from civic_app.projects.reminders import sweep_sessions
from civic_app.sms.operations import queue_many
from civic_app.sms.templates import render_sms, sms_number, sms_when


def milestones(now: datetime) -> int:
    """First session tomorrow, half of the target hours, target reached: once each per plan."""
    plans = db.session.scalars(db.select(Plan).where(Plan.status == PlanStatus.ACTIVE)).all()
    if not plans:
        return 0
    participant_ids = [p.participant_id for p in plans]
    done = dict(
        db.session.execute(
            db.select(Attendance.participant_id, func.sum(Attendance.hours))
            .where(Attendance.participant_id.in_(participant_ids))
            .group_by(Attendance.participant_id)
        ).all()
    )
    people = {
        u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(participant_ids)))
    }
    first_sessions = dict(
        db.session.execute(
            db.select(Enrolment.participant_id, func.min(ProjectSession.starts_at))
            .join(ProjectSession, ProjectSession.project_id == Enrolment.project_id)
            .where(
                Enrolment.participant_id.in_(participant_ids),
                Enrolment.status == EnrolmentStatus.ACCEPTED,
                ProjectSession.status == SessionStatus.SCHEDULED,
                ProjectSession.starts_at > now,
            )
            .group_by(Enrolment.participant_id)
        ).all()
    )
    rows = []
    for plan in plans:
        person = people[plan.participant_id]
        if not person.phone:
            continue
        language = person.preferred_language
        hours = done.get(person.id) or 0
        done_text = sms_number(hours, language)
        target_text = sms_number(plan.target_hours, language)
        upcoming = as_utc(first_sessions.get(person.id))
        milestone = None
        if hours >= plan.target_hours:
            milestone = ("target_reached", {"target": target_text})
        elif hours * 2 >= plan.target_hours:
            milestone = ("half_target", {"done": done_text, "target": target_text})
        elif not hours and upcoming is not None and upcoming - now <= timedelta(hours=30):
            milestone = ("first_session", {"when": sms_when(upcoming, language)})
        if milestone is None:
            continue
        name, values = milestone
        rows.append(
            {
                "phone": person.phone, "body": render_sms(name, language, **values), "kind": name,
                "idempotency_key": f"milestone:p{plan.id}:{name}", "user_id": person.id,
                "municipality_id": plan.municipality_id, "subject": ("plan", plan.id),
            }
        )  # fmt: skip
    return queue_many(rows, now)


def sweep(now: datetime) -> dict[str, int]:
    """The reminder sweep: session reminders (`projects.reminders`), then plan milestones."""
    counts = sweep_sessions(now)
    counts["milestones"] = milestones(now)
    db.session.flush()
    return counts
