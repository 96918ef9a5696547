"""The programme's indicators, counted in SQL with a fixed number of grouped queries.

`collect` runs every query once, grouped by municipality, and returns `Figures`:
plain rows that `Figures.scope` sums for one municipality or for the whole network.
The number of queries never depends on how much data there is.

Definitions (docs/reports.md explains them for the people who read the numbers):

- signed up: participant accounts created in the period (with a project chosen:
  people who asked to join it in the period);
- active: participants marked present, late or left early at least once in the period;
- individual plan: a plan signed by both the participant and the staff (any version);
- participants and public at activities (not a programme target): participants who
  came to a session or a community event, plus the members of the public counted at
  events;
- the three targets and the pillars' figures: reports.programme;
- events held: scheduled community events that started in the period, before now;
- event participants: different registered people marked at the events held, per
  municipality (attendances, one per person and event, are counted by event type).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, distinct, func, literal, select, union

from civic_app.attendance.models import WAS_THERE, Attendance, AttendanceMonth
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.events.models import CommunityEvent, EventAttendance
from civic_app.extensions import db
from civic_app.plans.models import Plan, plan_project
from civic_app.projects.models import Enrolment, Project
from civic_app.reports.monthly import attendance_months, mark_rows, use_summary, was_there
from civic_app.reports.period import Period
from civic_app.reports.programme import programme_rows
from civic_app.reports.queries import signed_plans
from civic_app.sms.models import Direction, Message


@dataclass
class Figures:
    """Raw grouped rows; every row starts with its municipality id."""

    period: Period
    rows: dict[str, list[tuple]] = field(default_factory=dict)

    def scope(self, municipality_id: int | None) -> "Figures":
        """The rows of one municipality (None: all of them, i.e. the network)."""
        if municipality_id is None:
            return self
        per_municipality = self._by_municipality()
        return Figures(
            self.period,
            {name: per_municipality.get((name, municipality_id), []) for name in self.rows},
        )

    def _by_municipality(self) -> dict[tuple[str, int], list[tuple]]:
        """{(name, municipality): rows}, built once: the national page scopes the same
        figures for every municipality, and filtering every list each time was quadratic."""
        index = self.__dict__.get("_index")
        if index is None:
            index = defaultdict(list)
            for name, rows in self.rows.items():
                for row in rows:
                    index[(name, row[0])].append(row)
            self.__dict__["_index"] = index
        return index

    def total(self, name: str, *, value: int = -1) -> int | Decimal:
        return sum((row[value] for row in self.rows.get(name, [])), 0)

    def by(self, name: str, key: int, *, value: int = -1) -> dict:
        """Sum column `value` of rows `name`, grouped by column `key`."""
        out: dict = defaultdict(int)
        for row in self.rows.get(name, []):
            out[row[key]] += row[value]
        return dict(out)

    def municipality_ids(self) -> set[int]:
        return {row[0] for rows in self.rows.values() for row in rows}


def _participant_filter(project_id: int | None, period: Period):
    """Conditions on User for "signed up in the period" (or asked to join the project)."""
    if project_id is None:
        return [period.contains(User.created_at)]
    asked = select(Enrolment.participant_id).where(
        Enrolment.project_id == project_id, period.contains(Enrolment.requested_at)
    )
    return [User.id.in_(asked)]


def collect(
    period: Period,
    moment: datetime,
    *,
    municipality_id: int | None = None,
    project_id: int | None = None,
    by_project: bool = False,
    network: bool = False,
) -> Figures:
    """Count everything a dashboard shows; `network` adds the programme's targets, the
    pillars' figures (reports.programme) and monthly trends.

    :param municipality_id: only this municipality (None: every municipality).
    :param project_id: only this project where the figure is about projects.
    :param by_project: also group hours by project (the municipal dashboard).
    :param network: the targets, trends and pillars (asked by both dashboards; not
        narrowed by `project_id`).
    """

    def where_municipality(column):
        return [] if municipality_id is None else [column == municipality_id]

    def where_project(column):
        return [] if project_id is None else [column == project_id]

    rows: dict[str, list[tuple]] = {}
    run = db.session.execute
    # Attendance at the grain (municipality, person, project, month): reports.monthly.
    months = attendance_months(period, municipality_id)
    there = was_there(months)

    # Participants signed up, by language and referral source.
    rows["signed_up"] = run(
        select(User.municipality_id, User.preferred_language, User.referral_source, func.count())
        .where(
            User.role == Role.PARTICIPANT,
            *_participant_filter(project_id, period),
            *where_municipality(User.municipality_id),
        )
        .group_by(User.municipality_id, User.preferred_language, User.referral_source)
    ).all()

    # Active participants: distinct people, so each grouping is its own query (a person
    # counted in two sectors or months must not be added twice). The total per
    # municipality is the sum of the groups by language and referral source, which are
    # the person's own (one group per person): no query of its own.
    active = (
        select(months.c.municipality_id)
        .where(there, *where_project(months.c.project_id))
        .group_by(months.c.municipality_id)
    )
    rows["active_by_sector"] = run(
        active.join(Project, Project.id == months.c.project_id)
        .add_columns(Project.sector, func.count(distinct(months.c.participant_id)))
        .group_by(Project.sector)
    ).all()
    # For one municipality, naming its attendees lets PostgreSQL look them up by key
    # instead of hashing every user of the network (4 ms instead of 9 at factor 10).
    attendees = (
        [
            User.id.in_(
                select(Attendance.participant_id).where(
                    *where_municipality(Attendance.municipality_id)
                )
            )
        ]
        if municipality_id is not None
        else []
    )
    rows["active_by_language"] = run(
        active.join(User, User.id == months.c.participant_id)
        .where(*attendees)
        .add_columns(
            User.preferred_language,
            User.referral_source,
            func.count(distinct(months.c.participant_id)),
        )
        .group_by(User.preferred_language, User.referral_source)
    ).all()
    active_total: dict[int, int] = defaultdict(int)
    for row in rows["active_by_language"]:
        active_total[row[0]] += row[-1]
    rows["active"] = sorted(active_total.items())
    rows["active_by_month"] = run(
        active.add_columns(months.c.month, func.count(distinct(months.c.participant_id))).group_by(
            months.c.month
        )
    ).all()

    # Plans by status (as they are now).
    plan_filter = where_municipality(Plan.municipality_id)
    if project_id is not None:
        plan_filter.append(
            Plan.id.in_(
                select(plan_project.c.plan_id).where(plan_project.c.project_id == project_id)
            )
        )
    rows["plans"] = run(
        select(Plan.municipality_id, Plan.status, func.count())
        .where(*plan_filter)
        .group_by(Plan.municipality_id, Plan.status)
    ).all()

    # Marks and hours by month, sector (and project).
    rows["marks"] = mark_rows(months, by_project, *where_project(months.c.project_id))

    # Community events held (or cancelled) in the period, and who came.
    held = period.contains(CommunityEvent.starts_at) & (CommunityEvent.starts_at <= moment)
    rows["events"] = run(
        select(
            CommunityEvent.municipality_id,
            CommunityEvent.event_type,
            CommunityEvent.status,
            func.count(),
            func.coalesce(func.sum(CommunityEvent.public_guests), 0),
        )
        .where(held, *where_municipality(CommunityEvent.municipality_id))
        .group_by(CommunityEvent.municipality_id, CommunityEvent.event_type, CommunityEvent.status)
    ).all()
    rows["event_people"] = run(
        select(
            CommunityEvent.municipality_id,
            CommunityEvent.event_type,
            func.count(),
            func.count(distinct(EventAttendance.participant_id)),
        )
        .join(EventAttendance, EventAttendance.event_id == CommunityEvent.id)
        .where(
            held,
            CommunityEvent.status == "scheduled",
            *where_municipality(CommunityEvent.municipality_id),
        )
        .group_by(CommunityEvent.municipality_id, CommunityEvent.event_type)
    ).all()
    # Event participants: different registered people marked at the events held in the
    # period, per municipality (the one definition of docs/reports.md; someone at two
    # events, or at two kinds of event, counts once).
    rows["event_participants"] = run(
        select(CommunityEvent.municipality_id, func.count(distinct(EventAttendance.participant_id)))
        .join(EventAttendance, EventAttendance.event_id == CommunityEvent.id)
        .where(
            held,
            CommunityEvent.status == "scheduled",
            *where_municipality(CommunityEvent.municipality_id),
        )
        .group_by(CommunityEvent.municipality_id)
    ).all()

    # SMS by direction and status, with segments.
    rows["sms"] = run(
        select(
            Message.municipality_id,
            Message.direction,
            Message.status,
            func.count(),
            func.coalesce(func.sum(Message.segments), 0),
        )
        .where(
            period.contains(Message.created_at),
            Message.municipality_id.is_not(None),
            *where_municipality(Message.municipality_id),
        )
        .group_by(Message.municipality_id, Message.direction, Message.status)
    ).all()

    # Messages that went (the provider took them), by channel: how many, their SMS
    # segments and the WhatsApp content templates among them (priced apart).
    template = case((Message.meta["content_sid"].as_string().is_not(None), 1), else_=0)
    rows["sms_channels"] = run(
        select(
            Message.municipality_id,
            Message.channel,
            func.count(),
            func.coalesce(func.sum(Message.segments), 0),
            func.coalesce(func.sum(template), 0),
        )
        .where(
            period.contains(Message.created_at),
            Message.direction == Direction.OUT,
            Message.provider_sid.is_not(None),
            Message.municipality_id.is_not(None),
            *where_municipality(Message.municipality_id),
        )
        .group_by(Message.municipality_id, Message.channel)
    ).all()

    if network:
        rows.update(_network_rows(period, moment, where_municipality))
        rows.update(programme_rows(period, moment, municipality_id))
    return Figures(period, rows)


def _network_rows(period: Period, moment: datetime, where_municipality) -> dict:
    """Targets (all time, up to now) and monthly trends (in the period)."""
    run = db.session.execute
    rows = {}
    signed = signed_plans(*where_municipality(Plan.municipality_id))
    signed_month = period.month_of(signed.c.first)
    rows["plans_signed_all"] = run(
        select(Plan.municipality_id, func.count())
        .join(signed, signed.c.plan_id == Plan.id)
        .where(*where_municipality(Plan.municipality_id))
        .group_by(Plan.municipality_id)
    ).all()
    rows["plans_signed_by_month"] = run(
        select(Plan.municipality_id, signed_month, func.count())
        .join(signed, signed.c.plan_id == Plan.id)
        .where(period.contains(signed.c.first), *where_municipality(Plan.municipality_id))
        .group_by(Plan.municipality_id, signed_month)
    ).all()

    # People reached up to now: participants who came to anything, and public guests.
    # (Every month is whole here: the summary alone, when it is on.)
    summary = AttendanceMonth.__table__
    marked = (
        select(summary.c.municipality_id, summary.c.participant_id).where(
            was_there(summary), *where_municipality(summary.c.municipality_id)
        )
        if use_summary()
        else select(Attendance.municipality_id, Attendance.participant_id).where(
            Attendance.mark.in_(WAS_THERE), *where_municipality(Attendance.municipality_id)
        )
    )
    came = union(
        marked,
        select(EventAttendance.municipality_id, EventAttendance.participant_id).where(
            *where_municipality(EventAttendance.municipality_id)
        ),
    ).subquery()
    rows["reached_participants_all"] = run(
        select(came.c.municipality_id, func.count()).group_by(came.c.municipality_id)
    ).all()
    rows["public_guests_all"] = run(
        select(
            CommunityEvent.municipality_id,
            literal("all"),
            func.coalesce(func.sum(CommunityEvent.public_guests), 0),
        )
        .where(
            CommunityEvent.status == "scheduled",
            CommunityEvent.starts_at <= moment,
            *where_municipality(CommunityEvent.municipality_id),
        )
        .group_by(CommunityEvent.municipality_id)
    ).all()
    return rows
