"""Two municipalities with one record of every kind, for the access and mass-assignment tests.

Roma (A) holds the records the tests try to reach; Milano (B) holds a participant and a
project of its own so that B's exports are not trivially empty. A's participant has a
name and a number found nowhere else, so a page that leaks them is easy to spot; so
have A's person in care (an alias) and A's case note (its body).
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from civic_app.attendance.models import Attendance, Mark, MonthLock
from civic_app.casework.models import (
    CareService,
    CaseNote,
    ConsentMethod,
    Intake,
    Referral,
    ReferralChange,
    ReferralStatus,
    Sensitivity,
    ServiceKind,
    Unit,
    UnitKind,
)
from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventType
from civic_app.housing.models import (
    Dwelling,
    DwellingKind,
    DwellingState,
    HousingMeasure,
    ManagedBy,
    MeasureKind,
    MeasureStatus,
    Placement,
    RefurbishmentWork,
)
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    ProjectTemplate,
    Sector,
    Venue,
)
from civic_app.reports.models import Certificate
from civic_app.sms.models import Direction, Message, Status
from tests.conftest import BoundSession

#: The frozen clock of tests/conftest.py: Wednesday 4 March 2026, 09:00 UTC.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)

#: What must never reach anybody outside municipality A (names, numbers).
SECRET_NAME = "Zainabhe"
SECRET_SURNAME = "Okonkwovic"
SECRET_PHONE = "+393479876543"
OTHER_NAME = "Ikechukwa"
#: A's project title: public on the marketplace, but never on a refused page.
PROJECT_TITLE = "Orto Segreto Roma"
B_NAME = "Milanesina"
#: The alias A's person in care gave at the intake, and a case note about them: only the
#: case team of A may read them.
SECRET_ALIAS = "Farafinaz"
SECRET_NOTE = "Notariservatissima sul colloquio"
#: A health note by A's psychologist: besides its author, only psychologists and social
#: workers read it (no persona of the matrix).
SECRET_HEALTH = "Diagnosiriservatissima del colloquio"
#: B's person in care (B's case team sees them, nobody of A does).
B_ALIAS = "Milanomadou"


#: Who each persona of the matrix is, by the name of the record in the world.
PERSONAS = {
    "anonymous": None,
    "participant": "participant",
    "tutor": "tutor",
    "staff_a": "staff",
    "staff_b": "other_staff",
    "coordinator": "coordinator",
    "caseworker_a": "caseworker",
    "caseworker_b": "other_caseworker",
    "case_staff_a": "case_staff",
}
CALENDAR_TOKEN = "calendar-token-of-participant-a"


class World:
    """The records of `build_world`, loaded from the test's own session when first used.

    Attributes: municipality, other_municipality, participant (A's, the one whose name
    must not leak), other_participant (A's), tutor, staff, other_staff (B's), coordinator,
    participant_b, project, project_b, venue, session, enrolment, other_enrolment, plan,
    attendance, lock, event, event_b, message, certificate, other_certificate, erasure,
    template; the case team: caseworker (A's), other_caseworker (B's), case_staff (A's
    staff with the casework grant), psychologist (A's), unit, unit_b, service, service_b,
    in_care (A's person in care, whose alias must not leak), intake, referral, note (a
    team note), health_note (the psychologist's), in_care_b, intake_b; housing: dwelling
    (A's, where A's person in care lives), dwelling_b, work, measure (A's placement),
    placement, measure_b (B's rent support). A's and B's caseworkers hold the housing
    grant; A's case staff do not.
    """

    def __init__(self, db, refs: dict):
        self._db, self._refs, self._loaded = db, refs, {}

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self._refs:
            raise AttributeError(name)
        if name not in self._loaded:
            model, ident = self._refs[name]
            self._loaded[name] = self._db.session.get(model, ident)
        return self._loaded[name]

    def id(self, name: str) -> int:
        """A record's id, without loading it."""
        return self._refs[name][1]

    def persona(self, persona: str) -> User | None:
        name = PERSONAS[persona]
        return getattr(self, name) if name else None

    def url_values(self) -> dict:
        """The value each URL argument takes by default: always a record of municipality A."""
        return {
            "project_id": self.id("project"),
            "session_id": self.id("session"),
            "user_id": self.id("participant"),
            "plan_id": self.id("plan"),
            "enrolment_id": self.id("enrolment"),
            "event_id": self.id("event"),
            "certificate_id": self.id("certificate"),
            "lock_id": self.id("lock"),
            "request_id": self.id("erasure"),
            "venue_id": self.id("venue"),
            "template_id": self.id("template"),
            "intake_id": self.id("intake"),
            "referral_id": self.id("referral"),
            "unit_id": self.id("unit"),
            "service_id": self.id("service"),
            "note_id": self.id("note"),
            "dwelling_id": self.id("dwelling"),
            "measure_id": self.id("measure"),
            "placement_id": self.id("placement"),
            "work_id": self.id("work"),
            "token": CALENDAR_TOKEN,
            "fmt": "csv",
        }


def build_world(db) -> dict:
    """Add the records; returns {name: (model, id)} for `World`."""
    add = db.session.add
    roma = Municipality(slug="roma", name="Roma", region="Lazio")
    milano = Municipality(slug="milano", name="Milano", region="Lombardia")
    add(roma)
    add(milano)
    db.session.flush()

    def user(role, municipality, first_name, **kw):
        values = {
            "role": role,
            "first_name": first_name,
            "last_name": kw.pop("last_name", "Test"),
            "municipality_id": municipality.id if municipality else None,
            "preferred_language": "it",
        }
        if role not in (Role.PARTICIPANT, Role.IN_CARE):  # these never log in with a password
            values["email"] = f"{first_name.lower()}@example.org"
        person = User(**(values | kw))
        add(person)
        return person

    participant = user(
        Role.PARTICIPANT, roma, SECRET_NAME, last_name=SECRET_SURNAME, phone=SECRET_PHONE,
        calendar_token=CALENDAR_TOKEN,
    )  # fmt: skip
    other = user(Role.PARTICIPANT, roma, OTHER_NAME, phone="+393470000222")
    tutor = user(Role.TUTOR, roma, "Tutorina")
    staff = user(Role.STAFF, roma, "Staffroma")
    other_staff = user(Role.STAFF, milano, "Staffmilano")
    coordinator = user(Role.COORDINATOR, None, "Coordinatrice")
    participant_b = user(Role.PARTICIPANT, milano, B_NAME, phone="+393470000333")
    db.session.flush()

    venue = Venue(municipality_id=roma.id, name="Parco Vivo", address="Via Roma 1")
    add(venue)
    db.session.flush()

    def project(municipality, title):
        p = Project(
            municipality_id=municipality.id, title=title, description="Curiamo il verde.",
            sector=Sector.GREEN, status=ProjectStatus.PUBLISHED, capacity=10, min_age=18,
            languages=",it,", address="Via del Parco 2", start_date=date(2026, 3, 1),
            end_date=date(2026, 6, 30), translations={},
        )  # fmt: skip
        add(p)
        return p

    project_a = project(roma, PROJECT_TITLE)
    project_a.tutors = [tutor]
    project_b = project(milano, "Argini di Milano")
    db.session.flush()

    def session_of(p):
        s = ProjectSession(
            project_id=p.id, municipality_id=p.municipality_id, starts_at=NOW,
            ends_at=NOW + timedelta(hours=3), local_weekday=2,
        )  # fmt: skip
        add(s)
        return s

    session_a, session_b = session_of(project_a), session_of(project_b)

    def enrol(p, person):
        e = Enrolment(
            project_id=p.id, participant_id=person.id, municipality_id=p.municipality_id,
            status=EnrolmentStatus.ACCEPTED, requested_at=datetime(2026, 2, 1, tzinfo=UTC),
        )  # fmt: skip
        add(e)
        return e

    enrolment = enrol(project_a, participant)
    other_enrolment = enrol(project_a, other)
    enrol(project_b, participant_b)
    plan = Plan(
        municipality_id=roma.id, participant_id=participant.id, goals="Obiettivi riservati",
        target_hours=Decimal("40"), start_date=date(2026, 3, 1), end_date=date(2026, 6, 30),
        status=PlanStatus.DRAFT,
    )  # fmt: skip
    add(plan)
    db.session.flush()

    def attend(s, person):
        a = Attendance(
            municipality_id=s.municipality_id, session_id=s.id, session_starts_at=s.starts_at,
            project_id=s.project_id, participant_id=person.id, mark=Mark.PRESENT,
            hours=Decimal("3"), recorded_by_id=tutor.id, recorded_at=NOW,
        )  # fmt: skip
        add(a)
        return a

    attendance = attend(session_a, participant)
    attend(session_b, participant_b)
    lock = MonthLock(municipality_id=roma.id, month="2026-02", locked_by_id=staff.id, locked_at=NOW)
    add(lock)

    def event(municipality, venue_id, title):
        e = CommunityEvent(
            municipality_id=municipality.id, venue_id=venue_id, title=title,
            event_type=EventType.MEETING, capacity=50, audience=Audience.ALL,
            starts_at=NOW + timedelta(days=6), ends_at=NOW + timedelta(days=6, hours=2),
        )  # fmt: skip
        add(e)
        return e

    event_a = event(roma, venue.id, "Festa segreta di Roma")
    venue_b = Venue(municipality_id=milano.id, name="Cascina", address="Via Milano 1")
    add(venue_b)
    db.session.flush()
    event_b = event(milano, venue_b.id, "Festa di Milano")
    message = Message(
        municipality_id=roma.id, user_id=participant.id, direction=Direction.IN,
        phone=SECRET_PHONE, body="Messaggio riservato di Zainabhe", kind="inbound",
        status=Status.RECEIVED, created_at=NOW,
    )  # fmt: skip
    add(message)

    def certificate(person):
        c = Certificate(
            municipality_id=person.municipality_id, participant_id=person.id, issued_at=NOW,
            issued_by_id=staff.id, initials="Z. O.", period_start=date(2026, 3, 4),
            period_end=date(2026, 3, 4), total_hours=Decimal("3"),
            by_project=[{
                "project_id": project_a.id, "title": PROJECT_TITLE, "sector": "green",
                "hours": "3.00", "first": "2026-03-04", "last": "2026-03-04",
            }],
        )  # fmt: skip
        add(c)
        return c

    certificate_a = certificate(participant)
    other_certificate = certificate(other)
    erasure = ErasureRequest(user_id=other.id, municipality_id=roma.id, requested_at=NOW)
    add(erasure)
    template = ProjectTemplate(
        source_municipality_id=roma.id, title="Modello di rete", description="Un modello.",
        translations={}, sector=Sector.GREEN, capacity=10, min_age=18,
    )  # fmt: skip
    add(template)
    cases = build_cases(db, roma, milano, user)
    db.session.commit()
    records = {
        "municipality": roma, "other_municipality": milano, "participant": participant,
        "other_participant": other, "tutor": tutor, "staff": staff, "other_staff": other_staff,
        "coordinator": coordinator, "participant_b": participant_b, "project": project_a,
        "project_b": project_b, "venue": venue, "session": session_a, "enrolment": enrolment,
        "other_enrolment": other_enrolment, "plan": plan, "attendance": attendance,
        "lock": lock, "event": event_a, "event_b": event_b, "message": message,
        "certificate": certificate_a, "other_certificate": other_certificate,
        "erasure": erasure, "template": template,
    } | cases  # fmt: skip
    return {name: (type(record), record.id) for name, record in records.items()}


def build_cases(db, roma, milano, user) -> dict:
    """A's case team and one case of each kind of record; B's caseworker and a case of B."""
    add = db.session.add
    # A's and B's caseworkers also manage housing; A's case staff do not.
    caseworker = user(Role.CASEWORKER, roma, "Operatoreroma", profession="caseworker",
                      grants=",housing,")  # fmt: skip
    other_caseworker = user(Role.CASEWORKER, milano, "Operatoremilano", profession="caseworker",
                            grants=",housing,")  # fmt: skip
    case_staff = user(Role.STAFF, roma, "Staffcasi", grants=",casework,")
    psychologist = user(Role.CASEWORKER, roma, "Psicologaroma", profession="psychologist")
    in_care = user(Role.IN_CARE, roma, SECRET_ALIAS, last_name=None, preferred_language="ar")
    in_care_b = user(Role.IN_CARE, milano, B_ALIAS, last_name=None)
    db.session.flush()
    unit = Unit(municipality_id=roma.id, name="Unità mobile Termini", kind=UnitKind.MOBILE_UNIT,
                zone="Esquilino", opening_hours="lun-ven 20-24")  # fmt: skip
    unit_b = Unit(municipality_id=milano.id, name="Sportello Centrale",
                  kind=UnitKind.ONE_STOP_SHOP, zone="Centrale")  # fmt: skip

    def service(municipality, name):
        s = CareService(
            municipality_id=municipality.id, name=name, kind=ServiceKind.LEGAL_AID,
            address="Via dei Diritti 1", languages=",it,ar,",
        )  # fmt: skip
        add(s)
        return s

    service_a = service(roma, "Sportello legale Roma")
    service_b = service(milano, "Sportello legale Milano")
    add(unit)
    add(unit_b)
    db.session.flush()

    def intake(person, u, recorded_by):
        i = Intake(
            municipality_id=person.municipality_id, person_id=person.id, unit_id=u.id,
            zone=u.zone, met_on=NOW.date(), last_seen_on=NOW.date(), needs=",legal,health,",
            consent_method=ConsentMethod.VERBAL, interpreter="Mediatore",
            recorded_by_id=recorded_by.id,
        )  # fmt: skip
        add(i)
        return i

    intake_a = intake(in_care, unit, caseworker)
    intake_b = intake(in_care_b, unit_b, other_caseworker)
    db.session.flush()
    referral = Referral(
        municipality_id=roma.id, intake_id=intake_a.id, service_id=service_a.id,
        reason="Permesso di soggiorno", status=ReferralStatus.PROPOSED, status_changed_at=NOW,
        created_by_id=caseworker.id,
    )  # fmt: skip
    add(referral)
    db.session.flush()
    add(ReferralChange(referral_id=referral.id, status=ReferralStatus.PROPOSED, at=NOW,
                       by_id=caseworker.id))  # fmt: skip
    note = CaseNote(
        municipality_id=roma.id, intake_id=intake_a.id, author_id=caseworker.id,
        author_profession="caseworker", sensitivity=Sensitivity.TEAM, body=SECRET_NOTE,
        written_at=NOW - timedelta(hours=1),
    )  # fmt: skip
    health_note = CaseNote(
        municipality_id=roma.id, intake_id=intake_a.id, author_id=psychologist.id,
        author_profession="psychologist", sensitivity=Sensitivity.HEALTH, body=SECRET_HEALTH,
        written_at=NOW - timedelta(minutes=30),
    )  # fmt: skip
    add(note)
    add(health_note)
    db.session.flush()
    housing = build_housing(db, roma, milano, intake_a, intake_b)
    return housing | {
        "caseworker": caseworker, "other_caseworker": other_caseworker,
        "case_staff": case_staff, "psychologist": psychologist, "health_note": health_note,
        "unit": unit, "unit_b": unit_b, "service": service_a,
        "service_b": service_b, "in_care": in_care, "intake": intake_a, "referral": referral,
        "note": note, "in_care_b": in_care_b, "intake_b": intake_b,
    }  # fmt: skip


def build_housing(db, roma, milano, intake_a, intake_b) -> dict:
    """A dwelling of each municipality, with a work; a placement measure of A's case with
    its person living in A's dwelling; a rent support of B's case."""

    def dwelling(municipality, name):
        d = Dwelling(
            municipality_id=municipality.id, name=name, address=f"{name}, {municipality.name}",
            kind=DwellingKind.SHARED_FLAT, places=4, managed_by=ManagedBy.MUNICIPALITY,
            state=DwellingState.AVAILABLE, available_from=NOW.date(),
        )  # fmt: skip
        db.session.add(d)
        return d

    dwelling_a, dwelling_b = dwelling(roma, "Via Tiburtina 12"), dwelling(milano, "Via Padova 3")
    db.session.flush()
    work = RefurbishmentWork(municipality_id=roma.id, dwelling_id=dwelling_a.id,
                             description="Imbiancatura", starts_on=NOW.date(),
                             cost=Decimal("900.00"))  # fmt: skip
    measure_a = HousingMeasure(
        municipality_id=roma.id, intake_id=intake_a.id, person_id=intake_a.person_id,
        kind=MeasureKind.PLACEMENT, status=MeasureStatus.ACTIVE, household_members=1,
        starts_on=NOW.date(), amount=Decimal("0.00"),
    )  # fmt: skip
    measure_b = HousingMeasure(
        municipality_id=milano.id, intake_id=intake_b.id, person_id=intake_b.person_id,
        kind=MeasureKind.RENT_SUPPORT, status=MeasureStatus.PROPOSED, starts_on=NOW.date(),
        monthly_amount=Decimal("300.00"), months=3, amount=Decimal("900.00"),
    )  # fmt: skip
    db.session.add_all([work, measure_a, measure_b])
    db.session.flush()
    placement = Placement(municipality_id=roma.id, measure_id=measure_a.id,
                          dwelling_id=dwelling_a.id, places=2, starts_on=NOW.date())  # fmt: skip
    db.session.add(placement)
    db.session.flush()
    return {
        "dwelling": dwelling_a, "dwelling_b": dwelling_b, "work": work, "measure": measure_a,
        "measure_b": measure_b, "placement": placement,
    }  # fmt: skip


def _bind(db, connection):
    """Point the app's session at `connection`, as tests/conftest.py does; returns the old one."""
    original = db.session
    db.session = db._make_scoped_session(
        {"class_": BoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
    )
    return original


@contextmanager
def shared_world(app, db):
    """Build the world once, inside a transaction that is rolled back at the end.

    Yields (connection, refs). Each test then runs in a savepoint of that transaction
    (`world_savepoint`), so it sees the world as built whatever the tests before it did.
    """
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = _bind(db, connection)
        try:
            refs = build_world(db)
        finally:
            db.session.remove()
            db.session = original
    try:
        yield connection, refs
    finally:
        transaction.rollback()
        connection.close()


@contextmanager
def world_savepoint(app, db, connection):
    """The test's own savepoint in the shared transaction, rolled back after the test."""
    with app.app_context():
        savepoint = connection.begin_nested()
        original = _bind(db, connection)
        try:
            yield db
        finally:
            db.session.remove()
            db.session = original
            if savepoint.is_active:
                savepoint.rollback()
