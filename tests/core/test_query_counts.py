"""No N+1: each busy page runs as many SQL statements with more data as with a little.

Each test measures a page with a small data set, adds more of the same kind (projects,
sessions, people on a roster, attendance, events, messages), and measures again.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance, AttendanceChange, Mark
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventType
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.models import EnrolmentStatus, Rsvp, project_tutor
from civic_app.sms.models import Direction, Message, Status

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(db, municipality, create_user, create_project, create_venue, add_session, enrol, clock):
    """A tutor's project with sessions past and future, and a way to add more of everything."""
    tutor = create_user(Role.TUTOR)
    staff = create_user(Role.STAFF)

    class World:
        def __init__(self):
            self.tutor, self.staff = tutor, staff
            self.project = self.add_project()
            self.session = add_session(self.project, NOW - timedelta(hours=1))
            self.people = []

        def add_project(self):
            project = create_project(venue_id=create_venue().id)
            db.session.execute(
                project_tutor.insert().values(project_id=project.id, user_id=tutor.id)
            )
            for days in (1, 2, 8):
                add_session(project, NOW + timedelta(days=days), venue_id=create_venue().id)
            add_session(project, NOW - timedelta(days=1))
            return project

        def add_person(self, project=None, **kw):
            person = create_user(Role.PARTICIPANT, **kw)
            enrol(project or self.project, person, EnrolmentStatus.ACCEPTED)
            self.people.append(person)
            return person

        def mark(self, person, session, mark=Mark.PRESENT, hours="3"):
            attendance = Attendance(
                municipality_id=municipality.id, session_id=session.id,
                session_starts_at=session.starts_at, project_id=session.project_id,
                participant_id=person.id, mark=mark, hours=Decimal(hours),
                recorded_by_id=tutor.id, recorded_at=session.ends_at,
            )  # fmt: skip
            db.session.add(attendance)
            db.session.commit()
            return attendance

        def message(self, person, direction=Direction.OUT, body="ciao"):
            db.session.add(
                Message(
                    municipality_id=municipality.id, user_id=person.id, direction=direction,
                    phone=person.phone, body=body, kind="reminder", created_at=NOW,
                    status=Status.DELIVERED if direction == Direction.OUT else Status.RECEIVED,
                )
            )  # fmt: skip
            db.session.commit()

        def event(self, audience=Audience.ALL, **kw):
            venue = create_venue()
            starts = NOW + timedelta(
                days=3 + len(db.session.scalars(db.select(CommunityEvent.id)).all())
            )
            values = dict(
                municipality_id=municipality.id, venue_id=venue.id, title="Incontro",
                event_type=EventType.MEETING, capacity=30, audience=audience,
                starts_at=starts, ends_at=starts + timedelta(hours=2),
            )  # fmt: skip
            db.session.add(CommunityEvent(**(values | kw)))
            db.session.commit()

    return World()


def test_the_marketplace(count_queries, world, add_session):
    world.add_person()
    small = count_queries("/projects")
    for _n in range(8):
        project = world.add_project()
        world.add_person(project)
    assert count_queries("/projects") == small


def test_a_project_page(count_queries, world, create_venue, add_session):
    world.add_person()
    small = count_queries(f"/projects/{world.project.id}")
    for days in range(3, 9):
        add_session(world.project, NOW + timedelta(days=days), venue_id=create_venue().id)
        world.add_person()
    assert count_queries(f"/projects/{world.project.id}") == small


def test_a_participants_home(count_queries, login_as, world, db, add_session):
    person = login_as(world.add_person())
    db.session.add(
        Plan(municipality_id=person.municipality_id, participant_id=person.id, goals="g",
             target_hours=Decimal("40"), start_date=NOW.date(), end_date=NOW.date(),
             status=PlanStatus.ACTIVE)
    )  # fmt: skip
    world.mark(person, world.session)
    world.message(person)
    small = count_queries("/me")
    for _n in range(4):
        project = world.add_project()
        world.add_person(project)
        from civic_app.projects.models import Enrolment

        db.session.add(
            Enrolment(project_id=project.id, participant_id=person.id, requested_at=NOW,
                      municipality_id=person.municipality_id, status=EnrolmentStatus.ACCEPTED)
        )  # fmt: skip
        db.session.commit()
        world.mark(person, add_session(project, NOW - timedelta(days=3)))
        world.message(person)
    assert count_queries("/me") == small


def test_a_participants_events(count_queries, login_as, world):
    login_as(world.add_person(preferred_language="ar"))
    world.event(Audience.ALL)
    world.event(Audience.PROJECTS, audience_projects=[world.project.id])
    small = count_queries("/events")
    other = world.add_project()
    for n in range(6):
        world.event(Audience.PROJECTS, audience_projects=[other.id if n % 2 else world.project.id])
        world.event(Audience.LANGUAGE, audience_language="ar" if n % 2 else "fr")
        world.event(Audience.PUBLIC)
    assert count_queries("/events") == small


def test_the_events_page_shows_the_events_a_participant_is_invited_to(client, login_as, world):
    login_as(world.add_person(preferred_language="ar"))
    other = world.add_project()
    world.event(Audience.PROJECTS, audience_projects=[world.project.id], title="Mio progetto")
    world.event(Audience.PROJECTS, audience_projects=[other.id], title="Altro progetto")
    world.event(Audience.LANGUAGE, audience_language="ar", title="Gruppo arabo")
    world.event(Audience.LANGUAGE, audience_language="fr", title="Gruppo francese")
    world.event(Audience.ALL, title="Per tutti")
    body = client.get("/events").get_data(as_text=True)
    for shown in ("Mio progetto", "Gruppo arabo", "Per tutti"):
        assert shown in body
    for hidden in ("Altro progetto", "Gruppo francese"):
        assert hidden not in body


def add_roster_data(world, db, count: int):
    """More people on the roster, with marks, answers and corrections by different staff."""
    for _n in range(count):
        person = world.add_person()
        attendance = world.mark(person, world.session)
        world.mark(person, db.session.get(type(world.session), world.session.id - 1))
        db.session.add(
            Rsvp(municipality_id=person.municipality_id, session_id=world.session.id,
                 participant_id=person.id, coming=True, answered_at=NOW, source="sms")
        )  # fmt: skip
        db.session.add(
            AttendanceChange(attendance_id=attendance.id, changed_by_id=world.new_staff().id,
                             changed_at=NOW, before_mark="absent", before_hours=0,
                             after_mark="present", after_hours=3, reason="errore")
        )  # fmt: skip
        db.session.commit()


@pytest.fixture
def roster_world(world, create_user):
    world.new_staff = lambda: create_user(Role.STAFF)
    return world


def test_a_tutors_roster(count_queries, login_as, roster_world, db):
    world = roster_world
    login_as(world.tutor)
    add_roster_data(world, db, 1)
    url = f"/tutor/sessions/{world.session.id}"
    small = count_queries(url)
    add_roster_data(world, db, 8)
    assert count_queries(url) == small


def test_the_tutors_home(count_queries, login_as, world):
    login_as(world.tutor)
    small = count_queries("/tutor")
    for _n in range(5):
        world.add_project()
    assert count_queries("/tutor") == small


def test_sending_a_roster(client, login_as, world, statements, db):
    login_as(world.tutor)
    url = f"/tutor/sessions/{world.session.id}"

    def send(people) -> int:
        data = {"key": f"k{len(people)}"}
        for person in people:
            data[f"mark-{person.id}"] = "present"
            data[f"hours-{person.id}"] = "3"
        token = client.csrf_token()
        with statements() as seen:
            response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 302, response.get_data(as_text=True)
        return [s.split("WHERE")[0][:90] for s in seen]

    # Mark a first roster, then a roster ten times longer, at two fresh sessions.
    world.add_person()
    small = send(world.people)
    for _n in range(9):
        world.add_person()
    world.session = add_session_now(world, db)
    url = f"/tutor/sessions/{world.session.id}"
    assert send(world.people) == small
    assert (
        db.session.scalar(
            db.select(db.func.count()).where(Attendance.session_id == world.session.id)
        )
        == 10
    )


def add_session_now(world, db):
    from civic_app.core.timeutil import to_local
    from civic_app.projects.models import ProjectSession

    # Earlier that day, before the world's session: one person's hours never overlap.
    starts = NOW - timedelta(hours=5)
    session = ProjectSession(
        project_id=world.project.id, municipality_id=world.project.municipality_id,
        starts_at=starts, ends_at=starts + timedelta(hours=3),
        local_weekday=to_local(starts).weekday(),
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session


@pytest.mark.parametrize("body", ["ORE", "PROSSIMO", "1", "ciao, una domanda"])
def test_the_inbound_sms_webhook(text, world, statements, db, add_session, body):
    person = world.add_person()
    world.mark(person, world.session)

    def count(sid: str) -> list[str]:
        with statements() as seen:
            assert text(person.phone, body, sid=sid).status_code == 200
        return [s.split("WHERE")[0][:90] for s in seen]

    world.message(person)
    count("SM0")  # the first text of a number starts its conversation
    small = count("SM1")
    for n in range(8):
        project = world.add_project()
        from civic_app.projects.models import Enrolment

        db.session.add(
            Enrolment(project_id=project.id, participant_id=person.id, requested_at=NOW,
                      municipality_id=person.municipality_id, status=EnrolmentStatus.ACCEPTED)
        )  # fmt: skip
        db.session.commit()
        world.mark(person, add_session(project, NOW - timedelta(days=2 + n)))
        world.message(person)
        world.message(person, Direction.IN, body=f"messaggio {n}")
    assert count("SM2") == small


def test_the_dashboards(count_queries, login_as, world, create_user, db, add_session):
    coordinator = create_user(Role.COORDINATOR)
    world.mark(world.add_person(), world.session)
    login_as(world.staff)
    municipal = count_queries("/staff/reports")
    login_as(coordinator)
    national = count_queries("/network")
    for n in range(6):
        project = world.add_project()
        session = add_session(project, NOW - timedelta(days=5 + n))
        for _m in range(3):
            world.mark(world.add_person(project), session)
        world.event(Audience.ALL)
    login_as(world.staff)
    assert count_queries("/staff/reports") == municipal
    login_as(coordinator)
    assert count_queries("/network") == national
