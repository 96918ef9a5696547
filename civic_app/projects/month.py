"""One's own month: the sessions (and, through a hook, the events) of a participant or a
tutor, day by day in local time, for the month grid and the list of /me/calendar."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import get_day_names
from flask import url_for
from sqlalchemy.orm import selectinload

from civic_app.core.hooks import Hook
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.extensions import db
from civic_app.projects.models import (
    HOLDS_A_PLACE,
    Enrolment,
    EnrolmentStatus,
    ProjectSession,
    SessionStatus,
    project_tutor,
)

#: ?month=2026-12
MONTH_PARAM = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Entry:
    """One thing on one's calendar: UTC times, a title in the reader's language, a link."""

    starts_at: datetime
    ends_at: datetime
    title: str
    url: str
    cancelled: bool = False
    tentative: bool = False


#: f(user, starts_utc, ends_utc, language) -> list[Entry]: what the features above
#: projects put on one's calendar (events registers the events one said yes to).
calendar_entries = Hook("calendar_entries")


def parse_month(value: str | None, today: date) -> tuple[date, bool]:
    """The first day of the month that `value` ("2026-12") names, or of today's month;
    and whether `value` was given and refused."""
    if not value:
        return today.replace(day=1), False
    match = MONTH_PARAM.fullmatch(value.strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1), False
    return today.replace(day=1), True


def shift_month(first: date, months: int) -> date | None:
    """The first day of the month `months` away, or None outside the years we show."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return date(year, month + 1, 1)


def month_weeks(first: date) -> list[list[date]]:
    """The weeks (Monday first) that hold the month of `first`, each of seven days."""
    return calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )


def week_day_names(locale) -> list[tuple[str, str]]:
    """(wide, abbreviated) names of the days from Monday, in `locale` (Babel's data)."""
    wide = get_day_names("wide", locale=locale)
    short = get_day_names("abbreviated", locale=locale)
    return [(wide[day], short[day]) for day in range(7)]  # Babel: 0 is Monday


def own_projects(user) -> tuple[list[int], set[int]]:
    """The projects whose sessions are on `user`'s calendar, and those not confirmed yet
    (a participant's place applied for, not accepted)."""
    if user.role == Role.PARTICIPANT:
        rows = db.session.execute(
            db.select(Enrolment.project_id, Enrolment.status).where(
                Enrolment.participant_id == user.id, Enrolment.status.in_(HOLDS_A_PLACE)
            )
        ).all()
        return [pid for pid, _s in rows], {
            pid for pid, status in rows if status != EnrolmentStatus.ACCEPTED
        }
    if user.role == Role.TUTOR:
        return list(
            db.session.scalars(
                db.select(project_tutor.c.project_id).where(project_tutor.c.user_id == user.id)
            )
        ), set()
    return [], set()


def session_entries(user, starts: datetime, ends: datetime, language: str) -> list[Entry]:
    """`user`'s sessions starting in [starts, ends): a participant's link to the project,
    a tutor's to the session's roster."""
    project_ids, tentative = own_projects(user)
    if not project_ids:
        return []
    sessions = db.session.scalars(
        db.select(ProjectSession)
        .options(selectinload(ProjectSession.project))
        .where(
            ProjectSession.project_id.in_(project_ids),
            ProjectSession.municipality_id == user.municipality_id,
            ProjectSession.starts_at >= starts,
            ProjectSession.starts_at < ends,
        )
        .order_by(ProjectSession.starts_at, ProjectSession.id)
    ).all()
    entries = []
    for session in sessions:
        if user.role == Role.TUTOR:
            url = url_for("attendance.roster", session_id=session.id)
        else:
            url = url_for("projects.detail", project_id=session.project_id)
        entries.append(
            Entry(
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                title=session.project.text(language)[0],
                url=url,
                cancelled=session.status == SessionStatus.CANCELLED,
                tentative=session.project_id in tentative,
            )
        )
    return entries


def entries_by_day(user, first: date, last: date, language: str) -> dict[date, list[Entry]]:
    """Everything on `user`'s calendar from local day `first` to `last`, by local day."""
    starts = local_to_utc(first, time(0))
    ends = local_to_utc(last + timedelta(days=1), time(0))
    entries = session_entries(user, starts, ends, language)
    for more in calendar_entries:
        entries.extend(more(user, starts, ends, language))
    days: dict[date, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.starts_at, e.title)):
        days.setdefault(to_local(entry.starts_at).date(), []).append(entry)
    return days
