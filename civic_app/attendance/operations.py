"""Rules for attendance. These flush; callers commit."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from civic_app.attendance import summary
from civic_app.attendance.models import (
    WAS_THERE,
    Attendance,
    AttendanceChange,
    AttendanceSubmission,
    Mark,
    MonthLock,
)
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_day_bounds, to_local
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.projects.enrolments import declined_ids, expected_ids
from civic_app.projects.models import Project, ProjectSession, SessionStatus
from civic_app.projects.operations import MAX_SESSION_HOURS, project_figures

QUARTER = Decimal("0.25")
MAX_HOURS_A_DAY = Decimal("12")


@dataclass
class MarkInput:
    participant_id: int
    mark: Mark
    #: None: the session's length (for those who were there).
    hours: Decimal | None = None


def session_hours(session: ProjectSession) -> Decimal:
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return (Decimal(minutes) / 60).quantize(QUARTER)


def month_of(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m")


def is_locked(municipality_id: int, month: str) -> bool:
    return (
        db.session.scalar(
            db.select(MonthLock.id).where(
                MonthLock.municipality_id == municipality_id, MonthLock.month == month
            )
        )
        is not None
    )


@dataclass
class Roster:
    """Who is on a session's roster and their marks so far (read once per request)."""

    existing: dict[int, Attendance]  # marks so far, by participant
    enrolled: set[int]
    people: list  # users enrolled or already marked, by first name


def roster_of(session: ProjectSession) -> Roster:
    from civic_app.core.accounts import User

    existing = {
        a.participant_id: a
        for a in db.session.scalars(
            db.select(Attendance).where(Attendance.session_id == session.id)
        )
    }
    # The expected, and those who said they will not come: the tutor sees their answer
    # and marks them all the same if they do come.
    enrolled = set(expected_ids(session)) | set(declined_ids(session))
    people = db.session.scalars(
        db.select(User)
        .where(User.id.in_(enrolled | set(existing)))
        .order_by(User.first_name, User.id)
    ).all()
    return Roster(existing, enrolled, list(people))


def roster_is_open(session: ProjectSession, now: datetime) -> bool:
    """A roster opens when its session starts: before, nobody has come yet."""
    return now >= session.starts_at


def not_open_yet(session: ProjectSession):
    """What a roster says until its session starts (shown on it, and the refusal)."""
    return _l(
        "Il turno non è ancora cominciato: l'elenco si apre all'inizio del turno, %(when)s.",
        when=format_datetime(session.starts_at, "EEEE d MMMM, HH:mm"),
    )


def check_can_record(session: ProjectSession, now: datetime) -> None:
    """:raise DomainError: for a cancelled session, one not started yet, or a locked month."""
    if session.status == SessionStatus.CANCELLED:
        raise DomainError(None, _l("Questo turno è annullato."))
    if not roster_is_open(session, now):
        raise DomainError(None, not_open_yet(session))
    if is_locked(session.municipality_id, month_of(session.starts_at)):
        raise DomainError(None, _l("Il mese è chiuso: chiedi al Comune di riaprirlo."))


def parse_hours(raw, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(raw).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(field, _l("Scrivi le ore come numero, ad esempio 2,5.")) from None
    if not hours.is_finite():
        raise DomainError(field, _l("Scrivi le ore come numero, ad esempio 2,5."))
    return hours


def _check_hours(session: ProjectSession, mark: MarkInput, name: str) -> Decimal:
    if mark.mark not in WAS_THERE:
        return Decimal("0.00")
    hours = session_hours(session) if mark.hours is None else mark.hours
    # The range first: a remainder of 1e30 by a quarter is past Decimal's precision, and
    # NaN or infinity compare with nothing.
    if not hours.is_finite() or hours < 0 or hours > session_hours(session) + 1:
        raise DomainError(
            None,
            _l(
                "%(name)s: le ore devono essere tra 0 e %(max)s.",
                name=name,
                max=session_hours(session) + 1,
            ),
        )
    if hours % QUARTER:
        raise DomainError(None, _l("%(name)s: le ore vanno a quarti d'ora.", name=name))
    return abs(hours).quantize(Decimal("0.01"))  # -0 is 0


@dataclass(frozen=True)
class OtherMark:
    """Hours someone has at another session whose time overlaps the roster's."""

    starts_at: datetime
    ends_at: datetime
    hours: Decimal
    title: str


def _overlapping_marks(participant_ids: list[int], session: ProjectSession) -> dict:
    """{participant id: [OtherMark, earliest first]}: their hours at other sessions that
    overlap `session` in time, in one query (a session lasts at most MAX_SESSION_HOURS, so
    the index on participant and start time bounds the search)."""
    if not participant_ids:
        return {}
    earliest = session.starts_at - timedelta(hours=MAX_SESSION_HOURS)
    rows = db.session.execute(
        db.select(
            Attendance.participant_id,
            ProjectSession.starts_at,
            ProjectSession.ends_at,
            Attendance.hours,
            Project.title,
        )
        .join(ProjectSession, ProjectSession.id == Attendance.session_id)
        .join(Project, Project.id == ProjectSession.project_id)
        .where(
            Attendance.participant_id.in_(participant_ids),
            Attendance.session_starts_at > earliest,
            Attendance.session_starts_at < session.ends_at,
            Attendance.session_id != session.id,
            Attendance.hours > 0,
            ProjectSession.ends_at > session.starts_at,
        )
        .order_by(ProjectSession.starts_at, ProjectSession.id)
    )
    found: dict[int, list[OtherMark]] = {}
    for pid, starts_at, ends_at, hours, title in rows:
        found.setdefault(pid, []).append(
            OtherMark(as_utc(starts_at), as_utc(ends_at), Decimal(hours), title)
        )
    return found


def _refuse_double_hours(session: ProjectSession, person, hours: Decimal, others) -> None:
    """The same hours never count twice: someone marked at sessions that overlap in time
    gets at most the time they cover together (a walk-in at one and present at the other
    gets 3 hours for a 3-hour window, not 6; leaving one early for the other is fine).

    :raise DomainError: naming the other session (its project and time).
    """
    if not others:
        return
    start = min([session.starts_at, *(o.starts_at for o in others)])
    end = max([session.ends_at, *(o.ends_at for o in others)])
    covered = Decimal(int((end - start).total_seconds() // 60)) / 60
    if hours + sum(o.hours for o in others) <= covered:
        return
    other = others[0]
    raise DomainError(
        None,
        _l(
            "%(name)s: ha già le ore di «%(project)s» (%(when)s), alla stessa ora: le stesse "
            "ore non si contano due volte.",
            name=person.display_name,
            project=other.title,
            when=format_datetime(other.starts_at, "EEEE d MMMM, HH:mm")
            + "–"
            + format_datetime(other.ends_at, "HH:mm"),
        ),
    )


def _hours_elsewhere_that_day(participant_ids: list[int], session: ProjectSession) -> dict:
    """{participant id: hours at other sessions on the local day of `session`}, in one query."""
    if not participant_ids:
        return {}
    start, end = local_day_bounds(to_local(session.starts_at).date())
    rows = db.session.execute(
        db.select(Attendance.participant_id, func.sum(Attendance.hours))
        .where(
            Attendance.participant_id.in_(participant_ids),
            Attendance.session_starts_at >= start,
            Attendance.session_starts_at < end,
            Attendance.session_id != session.id,
        )
        .group_by(Attendance.participant_id)
    )
    return {pid: Decimal(total or 0) for pid, total in rows}


def record_marks(
    session: ProjectSession,
    marks: list[MarkInput],
    *,
    by,
    now: datetime,
    key: str,
    reason: str = "",
    walk_in_ids: tuple[int, ...] = (),
    roster: Roster | None = None,
) -> bool:
    """Record a roster: new marks, and corrections (with their reason) of earlier ones.

    Returns False when a submission with `key` was already applied (nothing changes).

    :raise DomainError: for a cancelled, future or locked session, someone not on the
        roster, hours out of bounds, a day over 12 hours, hours that another session at the
        same time already counts, or a correction without reason.
    """
    if not key or len(key) > 64:
        raise DomainError(None, _l("Modulo non valido: ricarica la pagina."))
    if db.session.scalar(db.select(AttendanceSubmission.id).where(AttendanceSubmission.key == key)):
        return False
    check_can_record(session, now)
    from civic_app.core.accounts import User

    roster = roster or roster_of(session)  # the roster page passes the one it read
    existing, enrolled = roster.existing, roster.enrolled
    allowed = enrolled | set(existing) | set(walk_in_ids)
    people = {u.id: u for u in roster.people}
    others = {m.participant_id for m in marks} - set(people)  # walk-ins, or not allowed
    if others:
        people.update(
            (u.id, u) for u in db.session.scalars(db.select(User).where(User.id.in_(others)))
        )
    people = {
        m.participant_id: people[m.participant_id] for m in marks if m.participant_id in people
    }
    reason = (reason or "").strip()
    elsewhere = _hours_elsewhere_that_day(list(people), session)
    at_the_same_time = _overlapping_marks(list(people), session)
    new_rows, touched = [], set()
    for mark in marks:
        person = people.get(mark.participant_id)
        if (
            mark.participant_id not in allowed
            or person is None
            or person.role != Role.PARTICIPANT
            or person.municipality_id != session.municipality_id
        ):
            raise DomainError(None, _l("Questa persona non è nell'elenco del turno."))
        hours = _check_hours(session, mark, person.display_name)
        if hours and elsewhere.get(person.id, Decimal(0)) + hours > MAX_HOURS_A_DAY:
            raise DomainError(
                None,
                _l("%(name)s: più di 12 ore in un giorno.", name=person.display_name),
            )
        earlier = existing.get(person.id)
        if hours and (earlier is None or (earlier.mark, earlier.hours) != (mark.mark, hours)):
            _refuse_double_hours(session, person, hours, at_the_same_time.get(person.id, []))
        attendance = existing.get(person.id)
        if attendance is None:
            new_rows.append(
                {
                    "session_id": session.id,
                    "session_starts_at": session.starts_at,
                    "project_id": session.project_id,
                    "municipality_id": session.municipality_id,
                    "participant_id": person.id,
                    "mark": mark.mark,
                    "hours": hours,
                    "walk_in": person.id in walk_in_ids and person.id not in enrolled,
                    "recorded_by_id": by.id,
                    "recorded_at": now,
                }
            )
        elif (attendance.mark, attendance.hours) != (mark.mark, hours):
            if not reason:
                raise DomainError("reason", _l("Per correggere scrivi il motivo."))
            db.session.add(
                AttendanceChange(
                    attendance_id=attendance.id,
                    changed_by_id=by.id,
                    changed_at=now,
                    before_mark=str(attendance.mark),
                    before_hours=attendance.hours,
                    after_mark=str(mark.mark),
                    after_hours=hours,
                    reason=reason[:1000],
                )
            )
            attendance.mark, attendance.hours = mark.mark, hours
            touched.add(person.id)
    if new_rows:
        # One INSERT for the whole roster, however long it is.
        db.session.execute(db.insert(Attendance), new_rows)
        touched.update(row["participant_id"] for row in new_rows)
    db.session.add(
        AttendanceSubmission(key=key, session_id=session.id, submitted_by_id=by.id, received_at=now)
    )
    db.session.flush()
    # The monthly summary, from the rows just written, in the same transaction.
    summary.refresh(session, touched)
    return True


def lock_month(municipality_id: int, month: str, staff, now: datetime) -> MonthLock:
    if is_locked(municipality_id, month):
        raise DomainError("month", _l("Il mese è già chiuso."))
    lock = MonthLock(
        municipality_id=municipality_id, month=month, locked_by_id=staff.id, locked_at=now
    )
    db.session.add(lock)
    db.session.flush()
    return lock


def unlock_month(lock: MonthLock, reason: str) -> None:
    if not (reason or "").strip():
        raise DomainError("reason", _l("Scrivi perché riapri il mese."))
    db.session.delete(lock)
    db.session.flush()


@project_figures.register
def hours_figure(project) -> dict:
    """The hours done in `project`, for its staff page."""
    return {"hours": project_hours(project.id)}


def project_hours(project_id: int) -> Decimal:
    total = db.session.scalar(
        db.select(func.coalesce(func.sum(Attendance.hours), 0)).where(
            Attendance.project_id == project_id
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))
