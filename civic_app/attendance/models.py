"""Attendance at sessions: who came, for how long, who recorded it, and every correction."""

import enum
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


class Mark(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"
    EXCUSED = "excused"


#: Marks that mean the person was there (their hours count).
WAS_THERE = (Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY)

MARK_LABELS = {
    Mark.PRESENT: _l("Presente"),
    Mark.LATE: _l("In ritardo"),
    Mark.LEFT_EARLY: _l("Uscita anticipata"),
    Mark.ABSENT: _l("Assente"),
    Mark.EXCUSED: _l("Assenza giustificata"),
}


class Attendance(MunicipalityScoped, db.Model):
    __table_args__ = (
        UniqueConstraint("session_id", "participant_id"),
        Index("ix_attendance_participant_time", "participant_id", "session_starts_at"),
        Index("ix_attendance_municipality_time", "municipality_id", "session_starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("project_session.id"), index=True)
    session = relationship("ProjectSession")
    #: Copied from the session, so hours per day and per month need no join.
    session_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    participant = relationship("User", foreign_keys=[participant_id])
    mark: Mapped[Mark] = mapped_column(str_enum(Mark))
    #: Exact decimal hours, in quarter hours; zero unless the person was there.
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: Came without being enrolled in the project.
    walk_in: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AttendanceChange(db.Model):
    """One correction of an attendance: before, after, who, when and why."""

    __tablename__ = "attendance_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id"), index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    changed_by = relationship("User")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    before_mark: Mapped[str] = mapped_column(String(20))
    before_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    after_mark: Mapped[str] = mapped_column(String(20))
    after_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reason: Mapped[str] = mapped_column(Text)


class AttendanceSubmission(db.Model):
    """One sent roster form: its key makes a re-sent form (offline, double tap) count once."""

    __tablename__ = "attendance_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("project_session.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MonthLock(MunicipalityScoped, db.Model):
    """A month of a municipality's attendance, locked once reported to the fund."""

    __tablename__ = "month_lock"
    __table_args__ = (UniqueConstraint("municipality_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "2026-03" (local calendar month).
    month: Mapped[str] = mapped_column(String(7))
    locked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AttendanceMonth(db.Model):
    """The marks of one person in one project in one local month, summed: what the
    national figures and the fund's tables read instead of every attendance row.

    Derived from `attendance` only, and rewritten for the (person, project, month) keys a
    roster touches in the roster's own transaction (attendance.summary).
    """

    __tablename__ = "attendance_month"
    __table_args__ = (
        UniqueConstraint("municipality_id", "participant_id", "project_id", "month"),
        Index("ix_attendance_month_municipality_month", "municipality_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    #: "2026-03": the local (Europe/Rome) month of the sessions' start.
    month: Mapped[str] = mapped_column(String(7))
    #: How many of the month's marks are of each kind.
    present: Mapped[int]
    late: Mapped[int]
    left_early: Mapped[int]
    absent: Mapped[int]
    excused: Mapped[int]
    #: All the month's hours; and those of each mark that counts hours (the dashboards
    #: show hours by mark; the others have none, see `Attendance.hours`).
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    hours_present: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    hours_late: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    hours_left_early: Mapped[Decimal] = mapped_column(Numeric(8, 2))
