"""Participants at risk of dropping out, found from attendance."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from civic_app.attendance.models import WAS_THERE, Attendance, Mark
from civic_app.extensions import db
from civic_app.projects.models import Enrolment, EnrolmentStatus

SILENCE = timedelta(days=14)
REASONS = {
    "two_absences": _l("Due assenze di fila senza giustificazione"),
    "silent": _l("Nessuna presenza da 14 giorni"),
}


def at_risk(municipality_id: int, now: datetime, only: list[int] | None = None) -> dict[int, str]:
    """{participant id: reason} for the municipality (or for the ids in `only`), in two queries.

    - two consecutive absences without excuse: their last two marks are both `absent`;
    - no attendance for 14 days: enrolled for 14 days or more, and not there since.
    """
    ranked = db.select(
        Attendance.participant_id,
        Attendance.mark,
        func.row_number()
        .over(partition_by=Attendance.participant_id, order_by=Attendance.session_starts_at.desc())
        .label("n"),
    ).where(Attendance.municipality_id == municipality_id, Attendance.session_starts_at <= now)
    if only is not None:
        ranked = ranked.where(Attendance.participant_id.in_(only))
    ranked = ranked.subquery()
    two_absences = (
        db.select(ranked.c.participant_id)
        .where(ranked.c.n <= 2)
        .group_by(ranked.c.participant_id)
        .having(
            func.count() == 2,
            func.sum(db.case((ranked.c.mark == Mark.ABSENT.value, 1), else_=0)) == 2,
        )
    )
    result = {pid: "two_absences" for pid in db.session.scalars(two_absences)}

    last_there = (
        db.select(Attendance.participant_id, func.max(Attendance.session_starts_at).label("at"))
        .where(Attendance.mark.in_(WAS_THERE), Attendance.municipality_id == municipality_id)
        .group_by(Attendance.participant_id)
    )
    if only is not None:  # not the whole municipality's history for one roster
        last_there = last_there.where(Attendance.participant_id.in_(only))
    last_there = last_there.subquery()
    silent = (
        db.select(Enrolment.participant_id)
        .outerjoin(last_there, last_there.c.participant_id == Enrolment.participant_id)
        .where(
            Enrolment.municipality_id == municipality_id,
            Enrolment.status == EnrolmentStatus.ACCEPTED,
            func.coalesce(Enrolment.decided_at, Enrolment.requested_at) <= now - SILENCE,
            (last_there.c.at.is_(None)) | (last_there.c.at < now - SILENCE),
        )
        .distinct()
    )
    if only is not None:
        silent = silent.where(Enrolment.participant_id.in_(only))
    for pid in db.session.scalars(silent):
        result.setdefault(pid, "silent")
    return result
