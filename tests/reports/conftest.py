"""A small hand-made data set whose every indicator is known (see the comments)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from civic_app.attendance import summary
from civic_app.attendance.models import Attendance, Mark
from civic_app.casework.models import CareService, ConsentMethod, Intake, Referral, ServiceKind
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventAttendance, EventType
from civic_app.housing.models import (
    Dwelling,
    DwellingKind,
    DwellingState,
    HousingMeasure,
    ManagedBy,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
    RefurbishmentWork,
)
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
    summary.rebuild()  # marks added directly, not by record_marks
    db.session.commit()
    return k


Q1 = {"date_from": "2026-01-01", "date_to": "2026-03-31"}


# The pillars: people taken in charge, housing -------------------------------------------


class PillarBuilder:
    """Records of the first two pillars, made directly with the models (no HTTP)."""

    def __init__(self, db, staff):
        self.db = db
        self.staff = staff
        self.services: dict[int, object] = {}

    def service(self, municipality_id: int, kind=None):
        kind = kind or ServiceKind.LEGAL_AID
        key = (municipality_id, kind)
        if key not in self.services:
            service = CareService(
                municipality_id=municipality_id, name=f"Servizio {kind}", kind=kind
            )
            self.db.session.add(service)
            self.db.session.flush()
            self.services[key] = service
        return self.services[key]

    def person(self, municipality_id: int, *, met_on, referred=(), sex=None, vulnerabilities=""):
        """A person in care with an intake met on `met_on` and a referral at each moment
        of `referred` (datetimes, or (datetime, service kind) pairs)."""
        person = User(
            role=Role.IN_CARE, municipality_id=municipality_id, first_name="Persona",
            sex=sex, vulnerabilities=vulnerabilities, preferred_language="it",
        )  # fmt: skip
        self.db.session.add(person)
        self.db.session.flush()
        intake = Intake(
            municipality_id=municipality_id, person_id=person.id, met_on=met_on,
            last_seen_on=met_on, consent_method=ConsentMethod.VERBAL,
        )  # fmt: skip
        self.db.session.add(intake)
        self.db.session.flush()
        for item in referred:
            at, kind = item if isinstance(item, tuple) else (item, None)
            self.db.session.add(
                Referral(
                    municipality_id=municipality_id, intake_id=intake.id,
                    service_id=self.service(municipality_id, kind).id, created_at=at,
                    status_changed_at=at,
                )
            )  # fmt: skip
        self.db.session.flush()
        return intake

    def plan(self, intake, status, signed_at):
        p = Plan(
            municipality_id=intake.municipality_id, participant_id=intake.person_id,
            goals="Obiettivi", target_hours=Decimal("40"), start_date=date(2026, 1, 1),
            end_date=date(2026, 6, 30), status=status,
        )  # fmt: skip
        self.db.session.add(p)
        self.db.session.flush()
        for role, signer in (("participant", intake.person_id), ("staff", self.staff.id)):
            self.db.session.add(
                PlanSignature(
                    plan_id=p.id, version=1, content_hash="0" * 64, signer_id=signer,
                    signer_role=role, method="paper", signed_at=signed_at,
                )
            )  # fmt: skip
        self.db.session.flush()
        return p

    def measure(self, intake, kind, status, starts_on, *, household=0, amount="0", outcome=None):
        measure = HousingMeasure(
            municipality_id=intake.municipality_id, intake_id=intake.id,
            person_id=intake.person_id, kind=kind, status=status, starts_on=starts_on,
            household_members=household, amount=Decimal(amount), outcome=outcome,
            created_by_id=self.staff.id,
        )  # fmt: skip
        self.db.session.add(measure)
        self.db.session.flush()
        return measure

    def dwelling(self, municipality_id, places, *, available_from=None, closed_on=None):
        state = DwellingState.REFURBISHING if available_from is None else DwellingState.AVAILABLE
        if closed_on is not None:
            state = DwellingState.CLOSED
        dwelling = Dwelling(
            municipality_id=municipality_id, name="Via Tiburtina 12", address="Via Tiburtina 12",
            kind=DwellingKind.SHARED_FLAT, places=places, managed_by=ManagedBy.MUNICIPALITY,
            state=state, available_from=available_from, closed_on=closed_on,
        )  # fmt: skip
        self.db.session.add(dwelling)
        self.db.session.flush()
        return dwelling

    def work(self, dwelling, starts_on, cost):
        self.db.session.add(
            RefurbishmentWork(
                municipality_id=dwelling.municipality_id, dwelling_id=dwelling.id,
                description="Imbiancatura", starts_on=starts_on, cost=Decimal(cost),
            )
        )  # fmt: skip
        self.db.session.flush()

    def placement(self, measure, dwelling, places, starts_on, ends_on=None):
        self.db.session.add(
            Placement(
                municipality_id=dwelling.municipality_id, measure_id=measure.id,
                dwelling_id=dwelling.id, places=places, starts_on=starts_on, ends_on=ends_on,
            )
        )  # fmt: skip
        self.db.session.flush()

    def housed(self, municipality_id, count, *, starts_on=date(2026, 2, 1), household=0):
        """`count` people taken in charge, referred and in an active rent support."""
        for _ in range(count):
            intake = self.person(municipality_id, met_on=starts_on, referred=[utc(2026, 2, 1, 10)])
            self.measure(
                intake, MeasureKind.RENT_SUPPORT, MeasureStatus.ACTIVE, starts_on,
                household=household, amount="300",
            )  # fmt: skip


@pytest.fixture
def build(db, create_user):
    return PillarBuilder(db, create_user(Role.STAFF))


@pytest.fixture
def pillars(db, municipality, other_municipality, build, clock):
    """Roma P1–P5, Milano Q1 (clock: 4 March 2026; period Q1 2026). Expected answers in
    tests/reports/test_three_targets.py and test_housing_figures.py.

    Intakes and referrals: P1 met 10 Nov 2025, referred 12 Nov 2025 and 15 Jan 2026;
    P2 met 20 Jan, referred 21 Jan, plan signed and completed; P3 met 5 Feb, referred
    10 Feb, plan signed (active); P4 met 7 Feb, never referred; P5 met 1 Mar, referred
    2 Mar; Q1 (Milano) met 1 Feb, referred 3 Feb.
    Housing (Roma): D1 4 places from 1 Jan; D2 refurbishing (works from 1 Feb, 1500.50);
    D3 2 places from 1 Feb, closed 1 Mar; works on D1 in Dec 2025 (800). P1: placement
    since Dec 2025, in D3 1–15 Feb (1 place). P2: placement from 10 Jan, 2 household
    members, in D1 with 3 places. P3: rent support from 1 Feb (2100, household 1) and
    deposit from 15 Feb (700.25, ended in autonomous housing, household 3). P4: autonomy
    support approved (not begun). P5: a placement ended "not started" (1 Mar) and a rent
    support from 10 Mar (after today). Q1: rent support from 20 Feb (1200).
    """
    K, S = MeasureKind, MeasureStatus
    roma, milano = municipality.id, other_municipality.id
    b = build
    p = {}
    p["P1"] = b.person(
        roma, met_on=date(2025, 11, 10),
        referred=[utc(2025, 11, 12, 10), (utc(2026, 1, 15, 10), ServiceKind.HEALTH)],
        sex="male",
    )  # fmt: skip
    p["P2"] = b.person(
        roma, met_on=date(2026, 1, 20), referred=[utc(2026, 1, 21, 10)], sex="female",
        vulnerabilities=",trafficking_victim,",
    )  # fmt: skip
    p["P3"] = b.person(
        roma, met_on=date(2026, 2, 5), referred=[(utc(2026, 2, 10, 10), ServiceKind.HEALTH)],
        sex="male", vulnerabilities=",disability,single_parent,",
    )  # fmt: skip
    p["P4"] = b.person(roma, met_on=date(2026, 2, 7), sex="female")
    p["P5"] = b.person(roma, met_on=date(2026, 3, 1), referred=[utc(2026, 3, 2, 10)], sex="female")
    p["Q1"] = b.person(
        milano, met_on=date(2026, 2, 1), referred=[utc(2026, 2, 3, 10)], sex="male",
        vulnerabilities=",disability,",
    )  # fmt: skip
    b.plan(p["P2"], PlanStatus.COMPLETED, utc(2026, 1, 25, 10))
    b.plan(p["P3"], PlanStatus.ACTIVE, utc(2026, 2, 20, 10))

    d1 = b.dwelling(roma, 4, available_from=date(2026, 1, 1))
    d2 = b.dwelling(roma, 2)
    d3 = b.dwelling(roma, 2, available_from=date(2026, 2, 1), closed_on=date(2026, 3, 1))
    b.work(d2, date(2026, 2, 1), "1500.50")
    b.work(d1, date(2025, 12, 1), "800")
    m1 = b.measure(p["P1"], K.PLACEMENT, S.ACTIVE, date(2025, 12, 1))
    b.placement(m1, d3, 1, date(2026, 2, 1), date(2026, 2, 15))
    m2 = b.measure(p["P2"], K.PLACEMENT, S.ACTIVE, date(2026, 1, 10), household=2)
    b.placement(m2, d1, 3, date(2026, 1, 10))
    b.measure(p["P3"], K.RENT_SUPPORT, S.ACTIVE, date(2026, 2, 1), household=1, amount="2100")
    b.measure(
        p["P3"], K.DEPOSIT_SUPPORT, S.ENDED, date(2026, 2, 15), household=3, amount="700.25",
        outcome=Outcome.AUTONOMOUS_HOUSING,
    )  # fmt: skip
    b.measure(p["P4"], K.AUTONOMY_SUPPORT, S.APPROVED, date(2026, 2, 10), amount="90")
    b.measure(
        p["P5"], K.PLACEMENT, S.ENDED, date(2026, 3, 1), household=4, outcome=Outcome.NOT_STARTED
    )
    b.measure(p["P5"], K.RENT_SUPPORT, S.ACTIVE, date(2026, 3, 10), amount="999")
    b.measure(p["Q1"], K.RENT_SUPPORT, S.ACTIVE, date(2026, 2, 20), amount="1200")
    db.session.commit()
    return p
