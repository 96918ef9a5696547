"""The fund's tables, by sector and month, by month and by breakdown, for one municipality
or the network, and the pillars' `intake` and `housing` tables (reports.fund_pillars).
Exact: what coordinators receive is protected by reports.protection."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import case, distinct, func, select

from civic_app.attendance.models import Attendance, Mark
from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.events.models import CommunityEvent, EventAttendance
from civic_app.extensions import db
from civic_app.plans.models import Plan
from civic_app.projects.models import Project
from civic_app.reports.columns import HOUSING, INTAKE, MONTH, SECTOR_MONTH, Column
from civic_app.reports.fund_pillars import pillar_tables
from civic_app.reports.monthly import attendance_months, was_there
from civic_app.reports.period import Period
from civic_app.reports.queries import decimal_of as _dec
from civic_app.reports.queries import signed_plans as _signed_plans
from civic_app.sms.models import Direction, Message, Status


def breakdown_rows(period: Period, municipality_id: int | None, moment=None) -> list[dict]:
    from civic_app.reports.breakdowns import collect_breakdowns, fund_rows

    return fund_rows(
        collect_breakdowns(period, municipality_id, moment), municipality_names(municipality_id)
    )


def municipality_names(municipality_id: int | None) -> dict[int, tuple[str, str]]:
    """{id: (name, ISTAT code)} of one municipality, or of all when None."""
    query = select(Municipality)
    if municipality_id is not None:
        query = query.where(Municipality.id == municipality_id)
    return {m.id: (m.name, m.istat_code or "") for m in db.session.scalars(query)}


def fund_tables(
    period: Period, moment: datetime, municipality_id: int | None = None
) -> dict[str, list[dict]]:
    """The fund's tables for the period: per municipality, sector and month; per
    municipality and month (participants, then the intake and housing pillars). Zero rows
    are left out. A fixed number of queries."""
    run = db.session.execute
    where_m = (
        (lambda column: [])
        if municipality_id is None
        else (lambda column: [column == municipality_id])
    )
    names = municipality_names(municipality_id)
    month = period.month_of(Attendance.session_starts_at)
    sector_rows: dict[tuple, dict] = defaultdict(dict)
    # Marks by kind, hours and people from the period's attendance by month (reports.monthly).
    months = attendance_months(period, municipality_id)
    there = was_there(months)
    for m, mon, sector, *values in run(
        select(
            months.c.municipality_id,
            months.c.month,
            Project.sector,
            *(func.sum(months.c[str(mark)]) for mark in Mark),
            func.sum(months.c.hours),
            func.count(distinct(case((there, months.c.participant_id)))),
            func.count(distinct(months.c.participant_id)),
        )
        .join(Project, Project.id == months.c.project_id)
        .group_by(months.c.municipality_id, months.c.month, Project.sector)
    ):
        counts, (hours, active, marked) = values[: len(Mark)], values[len(Mark) :]
        row = sector_rows[(m, mon, str(sector))]
        for mark, count in zip(Mark, counts, strict=True):
            row[f"marks_{mark}"] = count
        row["hours"] = _dec(hours)
        row["participants_active"] = active
        row["people_marked"] = marked  # the people behind the marks: not a column
    # Sessions held need the raw rows (a session is no key of the summary).
    for m, mon, sector, sessions in run(
        select(
            Attendance.municipality_id,
            month,
            Project.sector,
            func.count(distinct(Attendance.session_id)),
        )
        .join(Project, Project.id == Attendance.project_id)
        .where(period.contains(Attendance.session_starts_at), *where_m(Attendance.municipality_id))
        .group_by(Attendance.municipality_id, month, Project.sector)
    ):
        sector_rows[(m, mon, str(sector))]["sessions_held"] = sessions

    month_rows: dict[tuple, dict] = defaultdict(dict)

    def add(key, column, value):
        month_rows[key][column] = month_rows[key].get(column, 0) + (value or 0)

    created = period.month_of(User.created_at)
    for m, mon, count in run(
        select(User.municipality_id, created, func.count())
        .where(
            User.role == Role.PARTICIPANT,
            period.contains(User.created_at),
            *where_m(User.municipality_id),
        )
        .group_by(User.municipality_id, created)
    ):
        add((m, mon), "participants_signed_up", count)
    for m, mon, count in run(
        select(
            months.c.municipality_id, months.c.month, func.count(distinct(months.c.participant_id))
        )
        .where(there)
        .group_by(months.c.municipality_id, months.c.month)
    ):
        add((m, mon), "participants_active", count)
    signed = _signed_plans()
    signed_month = period.month_of(signed.c.first)
    for m, mon, count in run(
        select(Plan.municipality_id, signed_month, func.count())
        .join(signed, signed.c.plan_id == Plan.id)
        .where(period.contains(signed.c.first), *where_m(Plan.municipality_id))
        .group_by(Plan.municipality_id, signed_month)
    ):
        add((m, mon), "plans_signed", count)
    held = (
        period.contains(CommunityEvent.starts_at)
        & (CommunityEvent.status == "scheduled")
        & (CommunityEvent.starts_at <= moment)
    )
    event_month = period.month_of(CommunityEvent.starts_at)
    for m, mon, count, guests in run(
        select(
            CommunityEvent.municipality_id,
            event_month,
            func.count(),
            func.coalesce(func.sum(CommunityEvent.public_guests), 0),
        )
        .where(held, *where_m(CommunityEvent.municipality_id))
        .group_by(CommunityEvent.municipality_id, event_month)
    ):
        add((m, mon), "events_held", count)
        add((m, mon), "event_public", guests)
    for m, mon, people in run(
        select(
            CommunityEvent.municipality_id,
            event_month,
            func.count(distinct(EventAttendance.participant_id)),
        )
        .join(EventAttendance, EventAttendance.event_id == CommunityEvent.id)
        .where(held, *where_m(CommunityEvent.municipality_id))
        .group_by(CommunityEvent.municipality_id, event_month)
    ):
        add((m, mon), "event_participants", people)
    sms_month = period.month_of(Message.created_at)
    failed = (Status.FAILED, Status.UNDELIVERED, Status.UNKNOWN)
    for m, mon, status, count, segments in run(
        select(
            Message.municipality_id,
            sms_month,
            Message.status,
            func.count(),
            func.coalesce(func.sum(Message.segments), 0),
        )
        .where(
            Message.direction == Direction.OUT,
            Message.status.in_((Status.SENT, Status.DELIVERED, *failed)),
            period.contains(Message.created_at),
            Message.municipality_id.is_not(None),
            *where_m(Message.municipality_id),
        )
        .group_by(Message.municipality_id, sms_month, Message.status)
    ):
        add((m, mon), "sms_sent", count)
        add((m, mon), "sms_segments", segments)
        if status in failed:
            add((m, mon), "sms_failed", count)

    def finish(rows: dict, columns: list[Column]) -> list[dict]:
        out = []
        for key in sorted(rows, key=lambda k: (names.get(k[0], ("",))[0], *k[1:])):
            if key[0] not in names:
                continue
            name, istat = names[key[0]]
            values = {"municipality": name, "istat_code": istat, "month": key[1]}
            if len(key) > 2:
                values["sector"] = key[2]
            for column in columns:
                if column.key not in values:
                    values[column.key] = rows[key].get(column.key, 0)
            # Not columns (the files write columns only): what suppression needs.
            values["_municipality_id"] = key[0]
            values["_people_marked"] = rows[key].get("people_marked", 0)
            values["_groups"] = rows[key].get("_groups", {})
            out.append(values)
        return out

    pillars = pillar_tables(period, moment, municipality_id)
    return {
        "sector_month": finish(sector_rows, SECTOR_MONTH),
        "month": finish(month_rows, MONTH),
        "intake": finish(pillars["intake"], INTAKE),
        "housing": finish(pillars["housing"], HOUSING),
    }
