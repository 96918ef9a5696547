"""A small hand-made data set whose every indicator is known (see the comments)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance, Mark
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventAttendance, EventType
from civic_app.plans.models import Plan, PlanSignature, PlanStatus
from civic_app.projects.models import Sector
from civic_app.sms.models import Direction, Message, Status


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class Known:
    people: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)
    staff: object = None
    other_staff: object = None


@pytest.fixture
def known(
    db,
    municipality,
    other_municipality,
    create_user,
    create_project,
    create_venue,
    add_session,
    clock,
):
    """Roma: A, B, C, D; Milano: E. Clock: 4 March 2026. Period used: Q1 2026.

    Sessions (Roma):  S2 P1 15 Jan; S1 P1 31 Jan 23:30 UTC = 1 Feb 00:30 in Rome;
                      S3 P2 2 Mar.   (Milano) S4 P3 3 Feb.
    Marks: S2 A present 3h, B absent, C present 2.5h; S1 A late 1.75h, B excused,
           D present 2h; S3 A present 3h, C left early 1.5h, D absent; S4 E present 2h.
    """
    k = Known()
    k.staff = create_user(Role.STAFF)
    k.other_staff = create_user(Role.STAFF, municipality=other_municipality)
    people = {
        "A": ("ar", "one_stop_shop", utc(2026, 1, 10, 10)),
        "B": ("fr", "mobile_unit", utc(2026, 2, 5, 10)),
        "C": ("it", None, utc(2025, 12, 20, 10)),
        "D": ("ar", "one_stop_shop", utc(2026, 3, 1, 10)),
    }
    for name, (language, referral, created) in people.items():
        k.people[name] = create_user(
            Role.PARTICIPANT,
            first_name=f"Persona{name}",
            last_name="Rossi",
            preferred_language=language,
            referral_source=referral,
            created_at=created,
        )
    k.people["E"] = create_user(
        Role.PARTICIPANT,
        first_name="PersonaE",
        last_name="Bianchi",
        municipality=other_municipality,
        preferred_language="en",
        referral_source="social_services",
        created_at=utc(2026, 2, 1, 10),
    )
    k.projects["P1"] = create_project(title="Parco Nord", sector=Sector.GREEN)
    k.projects["P2"] = create_project(title="Anziani insieme", sector=Sector.CARE)
    k.projects["P3"] = create_project(
        title="Argini sicuri", sector=Sector.SAFETY, municipality_id=other_municipality.id
    )
    sessions = {
        "S2": add_session(k.projects["P1"], utc(2026, 1, 15, 9)),
        "S1": add_session(k.projects["P1"], utc(2026, 1, 31, 23, 30)),
        "S3": add_session(k.projects["P2"], utc(2026, 3, 2, 9)),
        "S4": add_session(k.projects["P3"], utc(2026, 2, 3, 9)),
    }
    marks = [
        ("S2", "A", Mark.PRESENT, "3"), ("S2", "B", Mark.ABSENT, "0"),
        ("S2", "C", Mark.PRESENT, "2.5"), ("S1", "A", Mark.LATE, "1.75"),
        ("S1", "B", Mark.EXCUSED, "0"), ("S1", "D", Mark.PRESENT, "2"),
        ("S3", "A", Mark.PRESENT, "3"), ("S3", "C", Mark.LEFT_EARLY, "1.5"),
        ("S3", "D", Mark.ABSENT, "0"), ("S4", "E", Mark.PRESENT, "2"),
    ]  # fmt: skip
    for session_key, person_key, mark, hours in marks:
        session = sessions[session_key]
        person = k.people[person_key]
        db.session.add(
            Attendance(
                municipality_id=session.municipality_id,
                session_id=session.id,
                session_starts_at=session.starts_at,
                project_id=session.project_id,
                participant_id=person.id,
                mark=mark,
                hours=Decimal(hours),
                recorded_by_id=k.staff.id,
                recorded_at=session.starts_at,
            )
        )

    def plan(person, status, signed_at=None, roles=("participant", "staff")):
        p = Plan(
            municipality_id=person.municipality_id,
            participant_id=person.id,
            goals="Obiettivi",
            target_hours=Decimal("40"),
            start_date=date(2026, 1, 1),
            end_date=date(2026, 6, 30),
            status=status,
        )
        db.session.add(p)
        db.session.flush()
        for role in roles if signed_at else ():
            db.session.add(
                PlanSignature(
                    plan_id=p.id,
                    version=1,
                    content_hash="0" * 64,
                    signer_id=person.id if role == "participant" else k.staff.id,
                    signer_role=role,
                    method="paper",
                    signed_at=signed_at,
                )
            )

    plan(k.people["A"], PlanStatus.ACTIVE, utc(2026, 1, 20, 10))
    plan(k.people["B"], PlanStatus.WITHDRAWN, utc(2026, 2, 2, 10), roles=("participant",))
    plan(k.people["C"], PlanStatus.DRAFT)
    plan(k.people["D"], PlanStatus.SIGNED, utc(2026, 3, 2, 10))
    plan(k.people["E"], PlanStatus.ACTIVE, utc(2026, 2, 10, 10))

    venue = create_venue()

    def event(event_type, starts, status="scheduled", guests=0, came=()):
        e = CommunityEvent(
            municipality_id=municipality.id,
            venue_id=venue.id,
            title=f"Evento {event_type}",
            event_type=event_type,
            capacity=50,
            audience=Audience.PUBLIC,
            starts_at=starts,
            ends_at=starts.replace(hour=starts.hour + 2),
            status=status,
            public_guests=guests,
        )
        db.session.add(e)
        db.session.flush()
        for person_key in came:
            db.session.add(
                EventAttendance(
                    municipality_id=municipality.id,
                    event_id=e.id,
                    participant_id=k.people[person_key].id,
                    recorded_by_id=k.staff.id,
                    recorded_at=starts,
                )
            )

    event(EventType.WORKSHOP, utc(2026, 2, 10, 17), guests=7, came=("A", "B"))
    event(EventType.MEETING, utc(2026, 3, 10, 17))  # after "now": not held yet
    event(EventType.AWARENESS, utc(2026, 2, 20, 17), status="cancelled")

    def sms(status, segments=1, direction=Direction.OUT, at=utc(2026, 2, 1, 12), m=municipality):
        db.session.add(
            Message(
                municipality_id=m.id,
                direction=direction,
                phone="+393470000001",
                body="x",
                kind="reminder" if direction == Direction.OUT else "inbound",
                status=status,
                segments=segments,
                created_at=at,
            )
        )

    for _ in range(3):
        sms(Status.DELIVERED)
    sms(Status.FAILED)
    sms(Status.UNDELIVERED, segments=2)
    sms(Status.QUEUED, segments=None)
    sms(Status.CANCELLED, segments=None)
    sms(Status.RECEIVED, segments=None, direction=Direction.IN)
    sms(Status.RECEIVED, segments=None, direction=Direction.IN)
    sms(Status.DELIVERED, at=utc(2025, 12, 1, 12))  # before the period
    sms(Status.DELIVERED, m=other_municipality)
    db.session.commit()
    return k


Q1 = {"date_from": "2026-01-01", "date_to": "2026-03-31"}
