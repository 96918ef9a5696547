"""The participant list of a municipality for staff: one row per person and period."""

from sqlalchemy import case, func, select

from civic_app.attendance.models import WAS_THERE, Attendance, Mark
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.plans.models import Plan
from civic_app.reports.period import Period
from civic_app.reports.queries import decimal_of as _dec


def participant_rows(municipality_id: int, period: Period) -> list[dict]:
    """One row per participant of the municipality (staff only; the caller audits)."""
    people = db.session.scalars(
        select(User)
        .where(User.municipality_id == municipality_id, User.role == Role.PARTICIPANT)
        .order_by(User.id)
    ).all()
    plans = {}
    for plan in db.session.scalars(
        select(Plan).where(Plan.municipality_id == municipality_id).order_by(Plan.id)
    ):
        plans[plan.participant_id] = plan  # the latest wins
    figures = {
        pid: (hours, attended, absences, last)
        for pid, hours, attended, absences, last in db.session.execute(
            select(
                Attendance.participant_id,
                func.sum(Attendance.hours),
                func.count(case((Attendance.mark.in_(WAS_THERE), 1))),
                func.count(case((Attendance.mark == Mark.ABSENT, 1))),
                func.max(case((Attendance.mark.in_(WAS_THERE), Attendance.session_starts_at))),
            )
            .where(
                Attendance.municipality_id == municipality_id,
                period.contains(Attendance.session_starts_at),
            )
            .group_by(Attendance.participant_id)
        )
    }
    rows = []
    for person in people:
        plan = plans.get(person.id)
        hours, attended, absences, last = figures.get(person.id, (None, 0, 0, None))
        rows.append(
            {
                "participant_id": person.id,
                "first_name": "" if person.erased_at else person.first_name,
                "last_name": "" if person.erased_at else (person.last_name or ""),
                "language": person.preferred_language,
                "referral_source": person.referral_source or "",
                "signed_up_via": person.signed_up_via or "",
                "signed_up_on": to_local(person.created_at).date().isoformat(),
                "plan_status": plan.status.value if plan else "",
                "plan_target_hours": plan.target_hours if plan else "",
                "hours": _dec(hours),
                "sessions_attended": attended,
                "absences": absences,
                "last_attended_on": to_local(as_utc(last)).date().isoformat() if last else "",
            }
        )
    return rows
