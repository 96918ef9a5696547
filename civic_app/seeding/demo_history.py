"""Demo history: four months of a past project, so the dashboards have something to show.

Deterministic (seeded). Demo people are marked as such in their names and use numbers
in a range no real phone has been given (+39 347 9xx xxxx).
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from civic_app.attendance import summary
from civic_app.attendance.models import Attendance, Mark
from civic_app.core.accounts import REFERRAL_SOURCES, User
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.events.models import Audience, CommunityEvent, EventAttendance, EventType
from civic_app.extensions import db
from civic_app.plans.models import Plan, PlanSignature, PlanStatus
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Sector,
    SessionStatus,
    Venue,
)
from civic_app.sms.models import Direction, Message, Status

FIRST_NAMES = [
    "Aisha", "Omar", "Mariam", "Ibrahima", "Grace", "Samuel", "Nadia", "Karim", "Fatou",
    "Tesfaye", "Oksana", "Rahim", "Sadia", "Luis", "Joy", "Abdou", "Hana", "Mehdi",
]  # fmt: skip
LANGUAGES = ["ar", "ar", "fr", "fr", "en", "en", "bn", "ur", "uk", "es", "it"]
TITLE = "Progetto pilota (storico demo)"
HISTORY = {"roma": Sector.GREEN, "milano": Sector.CARE, "palermo": Sector.SAFETY}


def seed_demo_history(municipalities: dict, now: datetime, people_each: int = 18) -> int:
    """Past sessions with attendance, plans, events and SMS in three municipalities.

    Returns the number of attendance marks made (0 when the history exists). Flushes.
    """
    if db.session.scalar(db.select(Project.id).where(Project.title == TITLE)) is not None:
        return 0
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    today = to_local(now).date()
    start = today - timedelta(days=120)
    made = 0
    phone = 3479000000
    for slug, sector in HISTORY.items():
        municipality = municipalities[slug]
        staff = db.session.scalar(
            db.select(User).where(User.role == Role.STAFF, User.municipality_id == municipality.id)
        )
        venue = db.session.scalar(db.select(Venue).where(Venue.municipality_id == municipality.id))
        project = Project(
            municipality_id=municipality.id,
            title=TITLE,
            description="Turni passati del progetto pilota, per vedere i cruscotti.",
            sector=sector,
            status=ProjectStatus.CLOSED,
            capacity=people_each,
            min_age=18,
            languages=",it,",
            address=venue.address if venue else "",
            start_date=start,
            end_date=today - timedelta(days=1),
            translations={},
        )
        db.session.add(project)
        people = []
        for n in range(people_each):
            phone += 1
            joined = start - timedelta(days=rng.randint(0, 30)) + timedelta(days=7 * (n % 6))
            people.append(
                User(
                    role=Role.PARTICIPANT,
                    municipality_id=municipality.id,
                    first_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} (demo)",
                    last_name=None,
                    phone=f"+39{phone}",
                    preferred_language=rng.choice(LANGUAGES),
                    referral_source=rng.choice([*REFERRAL_SOURCES, None]),
                    signed_up_via=rng.choice(["web", "sms", "assisted"]),
                    created_at=local_to_utc(joined, time(10)),
                )
            )
        db.session.add_all(people)
        db.session.flush()
        for person in people:
            db.session.add(
                Enrolment(
                    project_id=project.id,
                    participant_id=person.id,
                    municipality_id=municipality.id,
                    status=EnrolmentStatus.COMPLETED,
                    requested_at=person.created_at,
                    decided_at=person.created_at,
                )
            )
        # Two sessions a week, 3 hours each; people drift away a little over time.
        day = start
        while day < today:
            if day.weekday() in (1, 3):
                starts = local_to_utc(day, time(9))
                session = ProjectSession(
                    project_id=project.id,
                    municipality_id=municipality.id,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    local_weekday=day.weekday(),
                    status=SessionStatus.SCHEDULED,
                )
                db.session.add(session)
                db.session.flush()
                for person in people:
                    if person.created_at > starts:
                        continue
                    roll = rng.random()
                    mark = (
                        Mark.PRESENT if roll < 0.68 else Mark.LATE if roll < 0.76
                        else Mark.LEFT_EARLY if roll < 0.81 else Mark.EXCUSED if roll < 0.90
                        else Mark.ABSENT
                    )  # fmt: skip
                    hours = {Mark.PRESENT: "3", Mark.LATE: "2.5", Mark.LEFT_EARLY: "2"}.get(
                        mark, "0"
                    )
                    db.session.add(
                        Attendance(
                            municipality_id=municipality.id,
                            session_id=session.id,
                            session_starts_at=starts,
                            project_id=project.id,
                            participant_id=person.id,
                            mark=mark,
                            hours=Decimal(hours),
                            recorded_by_id=staff.id,
                            recorded_at=starts + timedelta(hours=3),
                        )
                    )
                    made += 1
            day += timedelta(days=1)
        _plans(people, staff, start, today, rng)
        _events(municipality.id, venue, people, staff, start, today, rng)
        _messages(municipality.id, people, start, now, rng)
    db.session.flush()
    summary.rebuild()  # the monthly attendance summary, once for all the marks above
    return made


def _plans(people, staff, start, today, rng) -> None:
    statuses = [PlanStatus.ACTIVE] * 6 + [PlanStatus.COMPLETED] * 2 + [PlanStatus.DRAFT]
    for n, person in enumerate(people):
        status = statuses[n % len(statuses)]
        plan = Plan(
            municipality_id=person.municipality_id,
            participant_id=person.id,
            goals="Imparare a lavorare in squadra e conoscere il quartiere.",
            target_hours=Decimal("60"),
            start_date=start,
            end_date=today + timedelta(days=60),
            status=status,
        )
        db.session.add(plan)
        db.session.flush()
        if status == PlanStatus.DRAFT:
            continue
        signed = person.created_at + timedelta(days=rng.randint(3, 20))
        for role, signer in (("participant", person), ("staff", staff)):
            db.session.add(
                PlanSignature(
                    plan_id=plan.id,
                    version=1,
                    content_hash="demo".ljust(64, "0"),
                    signer_id=signer.id,
                    signer_role=role,
                    method="paper",
                    signed_at=signed,
                )
            )


def _events(municipality_id, venue, people, staff, start, today, rng) -> None:
    if venue is None:
        return
    types = [EventType.WORKSHOP, EventType.MEETING, EventType.AWARENESS]
    for n in range(4):
        day = start + timedelta(days=14 + 28 * n)
        if day >= today:
            break
        starts = local_to_utc(day, time(17))
        event = CommunityEvent(
            municipality_id=municipality_id,
            venue_id=venue.id,
            title="Incontro di quartiere (demo)",
            event_type=types[n % 3],
            capacity=60,
            audience=Audience.PUBLIC,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status="scheduled",
            public_guests=rng.randint(8, 30),
        )
        db.session.add(event)
        db.session.flush()
        for person in rng.sample(people, k=len(people) // 2):
            db.session.add(
                EventAttendance(
                    municipality_id=municipality_id,
                    event_id=event.id,
                    participant_id=person.id,
                    recorded_by_id=staff.id,
                    recorded_at=starts,
                )
            )


def _messages(municipality_id, people, start, now, rng) -> None:
    for person in people:
        for _n in range(6):
            at = local_to_utc(start + timedelta(days=rng.randint(0, 110)), time(12))
            if at > now:
                continue
            roll = rng.random()
            status = (
                Status.DELIVERED if roll < 0.9 else Status.FAILED if roll < 0.95
                else Status.UNDELIVERED
            )  # fmt: skip
            db.session.add(
                Message(
                    municipality_id=municipality_id,
                    user_id=person.id,
                    direction=Direction.OUT,
                    phone=person.phone,
                    body="(demo) Promemoria del turno",
                    kind="reminder",
                    status=status,
                    segments=1 if person.preferred_language in ("it", "en", "fr", "es") else 2,
                    created_at=at,
                    sent_at=at,
                )
            )
