"""The monthly attendance summary (`attendance_month`), derived from the raw rows.

A roster rewrites the summary rows of the (person, project, month) keys it touched, from
the raw rows of that month, in one upsert inside the roster's own transaction: what the
summary says is therefore always what a GROUP BY of `attendance` would say. Bulk seeding
rebuilds it once at the end. Nothing here commits.
"""

from datetime import date, datetime, time

from sqlalchemy import case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from civic_app.attendance.models import WAS_THERE, Attendance, AttendanceMonth, Mark
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.extensions import db

#: The summary's columns besides the grain, in order.
COUNTS = tuple(str(mark) for mark in Mark)
HOURS = ("hours", *(f"hours_{mark}" for mark in WAS_THERE))
GRAIN = ("municipality_id", "participant_id", "project_id", "month")


def next_month(label: str) -> str:
    year, number = (int(part) for part in label.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def month_start(label: str) -> datetime:
    """The UTC moment the local month `label` ("YYYY-MM") begins."""
    year, number = (int(part) for part in label.split("-"))
    return local_to_utc(date(year, number, 1), time(0))


def months_from_to(first: datetime, last: datetime) -> list[str]:
    """Every local month from the one of `first` to the one of `last`."""
    label, end = to_local(first).strftime("%Y-%m"), to_local(last).strftime("%Y-%m")
    out = [label]
    while label < end:
        label = next_month(label)
        out.append(label)
    return out


def local_month(column, labels: list[str]):
    """SQL: the local month of a UTC datetime column, for rows inside the months `labels`
    (consecutive): a CASE over the boundaries in UTC, exact across daylight saving time
    and the same on SQLite and PostgreSQL."""
    whens = [(column < month_start(next_month(label)), literal(label)) for label in labels[:-1]]
    return case(*whens, else_=literal(labels[-1])) if whens else literal(labels[0])


def summed_columns(mark, hours) -> list:
    """The summary's sums over raw rows with columns `mark` and `hours`, labelled."""
    counts = [func.count(case((mark == m, 1))).label(str(m)) for m in Mark]
    sums = [func.coalesce(func.sum(hours), 0).label("hours")] + [
        func.coalesce(func.sum(case((mark == m, hours), else_=0)), 0).label(f"hours_{m}")
        for m in WAS_THERE
    ]
    return counts + sums


def grouped(month, *where):
    """The raw rows matching `where`, grouped to the summary's grain (`month`: the SQL of
    their local month)."""
    keys = (Attendance.municipality_id, Attendance.participant_id, Attendance.project_id)
    return (
        select(*keys, month.label("month"), *summed_columns(Attendance.mark, Attendance.hours))
        .where(*where)
        .group_by(*keys, month)
    )


def _upsert(source):
    """INSERT the grouped rows of `source`; a key already there takes the new sums."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AttendanceMonth)
    statement = insert.from_select([*GRAIN, *COUNTS, *HOURS], source)
    return statement.on_conflict_do_update(
        index_elements=list(GRAIN),
        set_={name: statement.excluded[name] for name in (*COUNTS, *HOURS)},
    )


def refresh(session, participant_ids) -> None:
    """Rewrite the summary of `participant_ids` in `session`'s project and month from the
    raw rows (one statement). Raw rows are never deleted by a roster, so every key touched
    still has rows: an upsert is enough."""
    if not participant_ids:
        return
    label = to_local(session.starts_at).strftime("%Y-%m")
    source = grouped(
        literal(label),
        Attendance.project_id == session.project_id,
        Attendance.participant_id.in_(sorted(participant_ids)),
        Attendance.session_starts_at >= month_start(label),
        Attendance.session_starts_at < month_start(next_month(label)),
    )
    db.session.execute(_upsert(source))


def rebuild(municipality_id: int | None = None) -> None:
    """Recompute the whole summary (of one municipality) from the raw rows: after bulk
    seeding, or to repair it."""
    where = [] if municipality_id is None else [Attendance.municipality_id == municipality_id]
    first, last = db.session.execute(
        select(
            func.min(Attendance.session_starts_at), func.max(Attendance.session_starts_at)
        ).where(*where)
    ).one()
    stale = delete(AttendanceMonth)
    if municipality_id is not None:
        stale = stale.where(AttendanceMonth.municipality_id == municipality_id)
    db.session.execute(stale)
    if first is None:
        return
    labels = months_from_to(first, last)
    source = grouped(local_month(Attendance.session_starts_at, labels), *where)
    db.session.execute(db.insert(AttendanceMonth).from_select([*GRAIN, *COUNTS, *HOURS], source))
