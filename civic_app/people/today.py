"""What each person sees first: what needs a staff member today (one grouped query per
item), and the open projects near a participant who has no shift.

Every function reads one municipality's rows only and returns plain data (counts, the
oldest moment, a few rows to link to); the view turns them into links. The number of
statements does not grow with the data: `tests/people/test_staff_today.py` counts them.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, nulls_last
from sqlalchemy.orm import selectinload

from civic_app.attendance.at_risk import at_risk
from civic_app.attendance.models import Attendance
from civic_app.core.accounts import User
from civic_app.core.timeutil import local_day_bounds, to_local
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan, PlanSignature, PlanStatus
from civic_app.projects.models import (
    HOLDS_A_PLACE,
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    SessionStatus,
)
from civic_app.sms.models import Direction, Message

#: Rows listed under an item; the count says how many there are in all.
SHOWN = 5


@dataclass
class Item:
    """One thing that waits for staff: how many, since when, and the rows to act on."""

    count: int = 0
    oldest: datetime | None = None
    rows: list = field(default_factory=list)
    #: More rows than those listed: the item also links to the page with all of them.
    more: bool = False


@dataclass
class Today:
    requests: Item
    at_risk: Item
    inbox: Item
    sessions: Item
    countersign: Item
    erasures: Item

    @property
    def anything(self) -> bool:
        return any(
            item.count
            for item in (self.requests, self.at_risk, self.inbox, self.sessions,
                         self.countersign, self.erasures)
        )  # fmt: skip


def join_requests(municipality_id: int) -> Item:
    """Requests to join waiting for a decision, per project (the oldest project first)."""
    oldest = func.min(Enrolment.requested_at)
    rows = db.session.execute(
        db.select(Project.id, Project.title, func.count().label("count"), oldest.label("oldest"))
        .join(Project, Project.id == Enrolment.project_id)
        .where(
            Enrolment.municipality_id == municipality_id,
            Enrolment.status == EnrolmentStatus.APPLIED,
        )
        .group_by(Project.id, Project.title)
        .order_by(oldest, Project.id)
    ).all()
    return Item(
        count=sum(r.count for r in rows),
        oldest=as_utc(rows[0].oldest) if rows else None,
        rows=rows[:SHOWN],
        more=len(rows) > SHOWN,
    )


def people_at_risk(municipality_id: int, now: datetime) -> Item:
    """Participants at risk of dropping out (attendance.at_risk: two queries, any size)."""
    risky = at_risk(municipality_id, now)
    reasons: dict[str, int] = {}
    for reason in risky.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    return Item(count=len(risky), rows=sorted(reasons.items()))


def unread_threads(municipality_id: int) -> Item:
    """People whose texts nobody has read yet, and since when the oldest waits."""
    row = db.session.execute(
        db.select(
            func.count(func.distinct(Message.user_id)).label("count"),
            func.min(Message.created_at).label("oldest"),
        ).where(
            Message.municipality_id == municipality_id,
            Message.direction == Direction.IN,
            Message.user_id.is_not(None),
            Message.read_at.is_(None),
        )
    ).one()
    return Item(count=row.count, oldest=as_utc(row.oldest) if row.count else None)


def unmarked_sessions(municipality_id: int, now: datetime) -> Item:
    """Today's sessions (local day) of the municipality that nobody has marked yet."""
    start, end = local_day_bounds(to_local(now).date())
    rows = db.session.execute(
        db.select(
            ProjectSession.id,
            ProjectSession.starts_at,
            ProjectSession.ends_at,
            Project.title,
            func.count().over().label("total"),
        )
        .join(Project, Project.id == ProjectSession.project_id)
        .where(
            ProjectSession.municipality_id == municipality_id,
            ProjectSession.status == SessionStatus.SCHEDULED,
            ProjectSession.starts_at >= start,
            ProjectSession.starts_at < end,
            ~exists().where(Attendance.session_id == ProjectSession.id),
        )
        .order_by(ProjectSession.starts_at, ProjectSession.id)
        .limit(SHOWN)
    ).all()
    return Item(
        count=rows[0].total if rows else 0,
        oldest=as_utc(rows[0].starts_at) if rows else None,
        rows=[
            SessionRow(r.id, as_utc(r.starts_at), as_utc(r.ends_at), r.title,
                       started=as_utc(r.starts_at) <= now)
            for r in rows
        ],
        more=bool(rows) and rows[0].total > len(rows),
    )  # fmt: skip


@dataclass
class SessionRow:
    id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    #: Its roster is open (it opens when the session starts).
    started: bool


def plans_to_countersign(municipality_id: int) -> Item:
    """Draft plans whose participant signed the current version and staff have not."""
    participant_signed = PlanSignature.__table__.alias("participant_signed")
    staff_signed = (
        db.select(PlanSignature.id)
        .where(
            PlanSignature.plan_id == Plan.id,
            PlanSignature.version == Plan.version,
            PlanSignature.signer_role == "staff",
        )
        .exists()
    )
    rows = db.session.execute(
        db.select(
            Plan.id,
            User.first_name,
            User.last_name,
            participant_signed.c.signed_at,
            func.count().over().label("total"),
        )
        .join(
            participant_signed,
            (participant_signed.c.plan_id == Plan.id)
            & (participant_signed.c.version == Plan.version)
            & (participant_signed.c.signer_role == "participant"),
        )
        .join(User, User.id == Plan.participant_id)
        .where(
            Plan.municipality_id == municipality_id,
            Plan.status == PlanStatus.DRAFT,
            ~staff_signed,
        )
        .order_by(participant_signed.c.signed_at, Plan.id)
        .limit(SHOWN)
    ).all()
    return Item(
        count=rows[0].total if rows else 0,
        oldest=as_utc(rows[0].signed_at) if rows else None,
        rows=rows,
        more=bool(rows) and rows[0].total > len(rows),
    )


def erasure_requests(municipality_id: int) -> Item:
    """Requests to erase a person's data that nobody has processed yet."""
    row = db.session.execute(
        db.select(
            func.count().label("count"), func.min(ErasureRequest.requested_at).label("oldest")
        ).where(
            ErasureRequest.municipality_id == municipality_id,
            ErasureRequest.processed_at.is_(None),
        )
    ).one()
    return Item(count=row.count, oldest=as_utc(row.oldest) if row.count else None)


def staff_today(municipality_id: int, now: datetime) -> Today:
    """Everything on the staff landing page, for one municipality, in seven statements."""
    return Today(
        requests=join_requests(municipality_id),
        at_risk=people_at_risk(municipality_id, now),
        inbox=unread_threads(municipality_id),
        sessions=unmarked_sessions(municipality_id, now),
        countersign=plans_to_countersign(municipality_id),
        erasures=erasure_requests(municipality_id),
    )


@dataclass
class OpenProject:
    project: Project
    places_left: int
    next_session: datetime | None


def open_projects_near(participant, now: datetime, limit: int = 3) -> list[OpenProject]:
    """Published projects of the participant's municipality that still have places and that
    they have not asked to join, the soonest session first: one query (and the venues)."""
    taken = (
        db.select(func.count(Enrolment.id))
        .where(Enrolment.project_id == Project.id, Enrolment.status.in_(HOLDS_A_PLACE))
        .correlate(Project)
        .scalar_subquery()
    )
    next_start = (
        db.select(func.min(ProjectSession.starts_at))
        .where(
            ProjectSession.project_id == Project.id,
            ProjectSession.status == SessionStatus.SCHEDULED,
            ProjectSession.starts_at >= now,
        )
        .correlate(Project)
        .scalar_subquery()
    )
    asked = (
        db.select(Enrolment.id)
        .where(
            Enrolment.project_id == Project.id,
            Enrolment.participant_id == participant.id,
            Enrolment.status.in_((*HOLDS_A_PLACE, EnrolmentStatus.WAITLISTED)),
        )
        .exists()
    )
    rows = db.session.execute(
        db.select(Project, (Project.capacity - taken).label("free"), next_start.label("next"))
        .options(selectinload(Project.venue))
        .where(
            Project.municipality_id == participant.municipality_id,
            Project.status == ProjectStatus.PUBLISHED,
            Project.end_date >= to_local(now).date(),
            Project.capacity > taken,
            ~asked,
        )
        .order_by(nulls_last(next_start), Project.id)
        .limit(limit)
    ).all()
    return [OpenProject(r.Project, r.free, as_utc(r.next)) for r in rows]
