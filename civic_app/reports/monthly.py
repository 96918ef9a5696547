"""A period's attendance at the grain (municipality, person, project, local month), for
the dashboards' and the fund's figures.

Whole local months come from the monthly summary (attendance.summary keeps it in each
roster's transaction); a period's partial first and last months from the raw rows,
grouped the same way. With `ATTENDANCE_SUMMARY` off, every month from the raw rows: the
tests compare both paths.
"""

from datetime import time

from flask import current_app
from sqlalchemy import func, or_, select

from civic_app.attendance.models import WAS_THERE, AttendanceMonth, Mark
from civic_app.attendance.models import Attendance as Raw
from civic_app.attendance.summary import COUNTS, GRAIN, HOURS, grouped
from civic_app.core.timeutil import local_to_utc
from civic_app.extensions import db
from civic_app.projects.models import Project
from civic_app.reports.period import Period, first_of_next_month
from civic_app.reports.queries import ZERO, decimal_of

COLUMNS = (*GRAIN, *COUNTS, *HOURS)


def use_summary() -> bool:
    return bool(current_app.config.get("ATTENDANCE_SUMMARY", True))


def whole_and_partial(period: Period) -> tuple[list[str], list[tuple]]:
    """The months the period covers whole, and the (first day, first day after) of those
    it covers in part."""
    whole, partial = [], []
    for label, first, after in period.month_spans():
        if first.day == 1 and after == first_of_next_month(first):
            whole.append(label)
        else:
            partial.append((first, after))
    return whole, partial


def attendance_months(period: Period, municipality_id: int | None = None):
    """Subquery: (municipality_id, participant_id, project_id, month, present, late,
    left_early, absent, excused, hours, hours_present, hours_late, hours_left_early) for
    the period (one row per key and month)."""
    whole, partial = whole_and_partial(period) if use_summary() else ([], None)
    parts = []
    if whole:
        summary = AttendanceMonth.__table__.c
        where = [summary.month.in_(whole)]
        if municipality_id is not None:
            where.append(summary.municipality_id == municipality_id)
        parts.append(select(*(summary[name] for name in COLUMNS)).where(*where))
    if partial is None or partial:
        where = [
            period.contains(Raw.session_starts_at)
            if partial is None
            else or_(
                *(
                    (Raw.session_starts_at >= local_to_utc(first, time(0)))
                    & (Raw.session_starts_at < local_to_utc(after, time(0)))
                    for first, after in partial
                )
            )
        ]
        if municipality_id is not None:
            where.append(Raw.municipality_id == municipality_id)
        parts.append(grouped(period.month_of(Raw.session_starts_at), *where))
    query = parts[0] if len(parts) == 1 else parts[0].union_all(*parts[1:])
    return query.subquery("attendance_months")


def was_there(sub):
    """SQL: the key's person was there at least once in the month."""
    return sum((sub.c[str(mark)] for mark in WAS_THERE[1:]), sub.c[str(WAS_THERE[0])]) > 0


def mark_rows(months, by_project: bool, *where) -> list[tuple]:
    """(municipality, month, sector, mark, count, hours, project or None) for each mark
    given in a month and sector (and project) of `months` (attendance_months)."""
    keys = [months.c.municipality_id, months.c.month, Project.sector]
    if by_project:
        keys.append(months.c.project_id)
    sums = [func.sum(months.c[name]) for name in (*COUNTS, *HOURS)]
    out = []
    query = (
        select(*keys, *sums)
        .join(Project, Project.id == months.c.project_id)
        .where(*where)
        .group_by(*keys)
    )
    for row in db.session.execute(query):
        project = row[3] if by_project else None
        counts, hours = row[len(keys) : len(keys) + len(COUNTS)], row[len(keys) + len(COUNTS) :]
        per_mark = {mark: decimal_of(h) for mark, h in zip(WAS_THERE, hours[1:], strict=True)}
        # Marks that are not there have no hours; whatever is left goes to the first of them.
        rest = decimal_of(hours[0]) - sum(per_mark.values(), ZERO)
        for mark, count in zip(Mark, counts, strict=True):
            if not count:
                continue
            if mark in per_mark:
                spent = per_mark[mark]
            else:
                spent, rest = rest, ZERO
            out.append((*row[:3], mark, count, spent, project))
    return out
