"""Mass assignment: a form saves only its own fields, and ids are never taken from the client.

Every form that creates or changes a record is posted as a person would fill it, plus
fields a forger would add (role, municipality_id, user_id, id, participant_id, ...):
the form still works, and the record keeps its role, municipality and owner. A
participant who edits an id in a URL or a form reaches only their own records: another
person's record is a 404 and nothing changes.
"""

import re
from datetime import date

import pytest

from civic_app.attendance.models import Attendance, MonthLock
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventAttendance, EventRsvp
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Venue,
)
from civic_app.reports.models import Certificate
from civic_app.sms.models import LoginCode, Message
from tests.security.world import World


@pytest.fixture
def db(world_db):
    """Overrides tests/conftest.py's: a savepoint in the transaction holding the world."""
    return world_db


@pytest.fixture
def world(db, shared, clock):
    return World(db, shared[1])


def forged(world, **more) -> dict:
    """Fields no form of ours has, pointing at someone or somewhere else."""
    other = str(world.id("other_participant"))
    return {
        "role": Role.COORDINATOR.value,
        "municipality_id": str(world.id("other_municipality")),
        "municipality": "milano",
        "user_id": other,
        "participant_id": other,
        "id": other,
        "owner_id": other,
        "created_by_id": other,
        "is_active_account": "",
        "pending_review": "y",
    } | more


def owner_and_place(user: User) -> tuple:
    return (user.role, user.municipality_id, user.first_name, user.last_name, user.phone)


# A person's own data ---------------------------------------------------------------------


def test_the_profile_form_changes_only_the_own_language_and_facts(client, login_as, world, db):
    me, other = world.participant, world.other_participant
    before_me, before_other = owner_and_place(me), owner_and_place(other)
    login_as(me)
    data = {"language": "fr", "sex": "female", "birth_year": "1990", "citizenship": "NG"}
    extra = forged(world, first_name="Hacker", last_name="X", phone="+393470009999",
                   vulnerabilities=["disability"], preferred_language="ar")  # fmt: skip
    response = client.post_form("/me/profile", data | extra)
    assert response.status_code == 302
    db.session.refresh(me)
    db.session.refresh(other)
    assert (me.preferred_language, me.sex, me.birth_year, me.citizenship) == (
        "fr", "female", 1990, "NG",
    )  # fmt: skip
    assert owner_and_place(me) == before_me
    assert me.vulnerabilities in (None, "")  # staff only
    assert me.is_active_account and not me.pending_review
    assert owner_and_place(other) == before_other
    assert other.preferred_language == "it" and other.sex is None


def test_the_language_switch_changes_only_the_own_account(client, login_as, world, db):
    login_as(world.participant)
    client.post_form("/language", {"lang": "fr"} | forged(world))
    assert world.participant.preferred_language == "fr"
    assert world.other_participant.preferred_language == "it"
    assert owner_and_place(world.participant)[:2] == (Role.PARTICIPANT, world.id("municipality"))


def test_a_new_calendar_address_is_only_for_oneself(client, login_as, world, db):
    other_token = "calendar-token-of-the-other-person"
    world.other_participant.calendar_token = other_token
    db.session.commit()
    login_as(world.participant)
    assert client.post_form("/me/calendar", forged(world)).status_code == 302
    assert world.participant.calendar_token not in (None, "calendar-token-of-participant-a")
    assert world.other_participant.calendar_token == other_token


def test_sign_up_makes_a_participant_of_the_chosen_municipality_whatever_else_is_sent(
    client, world, db
):
    phone = "+393471230077"
    client.post_form("/login/phone", {"phone": phone})
    message = db.session.scalar(db.select(Message).where(Message.phone == phone))
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    assert client.post_form("/login/code", {"code": code}).location.endswith("/signup")
    form = {
        "first_name": "Nuova", "language": "fr", "municipality": "roma",
        "sectors": ["green"], "programme_consent": "y", "sms_consent": "y",
    }  # fmt: skip
    extra = forged(world, id=str(world.id("staff")), user_id=str(world.id("staff")),
                   signed_up_via="assisted", referral_source="social_services",
                   vulnerabilities=["disability"], email="evil@example.org",
                   password_hash="x", session_token="fixed-token")  # fmt: skip
    extra.pop("municipality")  # the form's own field: its value is the one that counts
    response = client.post_form("/signup", form | extra)
    assert response.status_code == 302 and response.location.endswith("/me")
    user = db.session.scalar(db.select(User).where(User.phone == phone))
    assert user.id not in (world.id("staff"), world.id("other_participant"))
    assert (user.role, user.municipality_id) == (Role.PARTICIPANT, world.id("municipality"))
    assert user.signed_up_via == "web" and user.referral_source is None
    assert user.email is None and user.password_hash is None
    assert user.vulnerabilities in (None, "")
    assert user.session_token != "fixed-token"
    assert world.staff.role == Role.STAFF and world.staff.phone is None


# Staff forms ------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, login_as, world):
    login_as(world.staff)
    return client


def test_assisted_sign_up_registers_in_the_staff_members_municipality(staff_client, world, db):
    form = {
        "first_name": "Allo", "last_name": "Sportello", "phone": "", "language": "fr",
        "sectors": ["safety"], "referral_source": "mobile_unit", "programme_consent": "y",
        "consent_method": "paper",
    }  # fmt: skip
    response = staff_client.post_form(
        "/staff/participants/new", form | forged(world, recorded_by_id=str(world.id("tutor")))
    )
    assert response.status_code == 302
    person = db.session.scalar(db.select(User).where(User.last_name == "Sportello"))
    assert (person.role, person.municipality_id) == (Role.PARTICIPANT, world.id("municipality"))
    assert person.id != world.id("other_participant")
    assert person.is_active_account


def test_staff_facts_change_only_the_facts_of_the_person_in_the_url(staff_client, world, db):
    me, other = world.participant, world.other_participant
    before_me, before_other = owner_and_place(me), owner_and_place(other)
    data = {"sex": "male", "birth_year": "1985", "citizenship": "GH", "vulnerabilities": []}
    extra = forged(world, first_name="Nuovo", phone="+393470001111", preferred_language="ar")
    assert (
        staff_client.post_form(f"/staff/participants/{me.id}/facts", data | extra).status_code
        == 302
    )
    assert (me.sex, me.birth_year, me.citizenship) == ("male", 1985, "GH")
    assert owner_and_place(me) == before_me and me.preferred_language == "it"
    assert owner_and_place(other) == before_other and other.sex is None


def project_form(**overrides) -> dict:
    data = {
        "title": "Orti condivisi", "description": "Coltiviamo.", "sector": "green",
        "venue_id": "0", "address": "Via degli Orti 3", "capacity": "12", "min_age": "18",
        "languages": ["it"], "start_date": "2026-03-01", "end_date": "2026-06-30",
    }  # fmt: skip
    return data | overrides


def test_a_new_project_belongs_to_the_staff_members_municipality(staff_client, world, db):
    project_b = world.project_b
    before = (project_b.title, project_b.municipality_id, project_b.status)
    extra = forged(world, id=str(project_b.id), project_id=str(project_b.id),
                   status="published", tutors=[str(world.id("other_staff"))])  # fmt: skip
    extra.pop("tutors")
    response = staff_client.post_form("/staff/projects/new", project_form() | extra)
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project).where(Project.title == "Orti condivisi"))
    assert project.municipality_id == world.id("municipality")
    assert project.id != project_b.id and project.status == ProjectStatus.DRAFT
    assert (project_b.title, project_b.municipality_id, project_b.status) == before


def test_editing_a_project_keeps_it_in_its_municipality(staff_client, world, db):
    project = world.project
    response = staff_client.post_form(
        f"/staff/projects/{project.id}/edit",
        project_form(title="Orto rinnovato") | forged(world, status="cancelled"),
    )
    assert response.status_code == 302
    assert project.title == "Orto rinnovato"
    assert project.municipality_id == world.id("municipality")
    assert project.status == ProjectStatus.PUBLISHED


def test_tutors_of_another_municipality_cannot_be_put_on_a_project(staff_client, world, db):
    project = world.project
    data = project_form(title=project.title, tutors=[str(world.id("other_staff"))])
    response = staff_client.post_form(f"/staff/projects/{project.id}/edit", data)
    assert response.status_code in (200, 404)  # not a choice of the form
    assert [t.id for t in project.tutors] == [world.id("tutor")]


def session_form(**overrides) -> dict:
    return {"day": "2026-03-11", "start_time": "10:00", "end_time": "12:00", "venue_id": "0"} | (
        overrides
    )


def test_a_new_session_belongs_to_the_project_in_the_url(staff_client, world, db):
    project, project_b = world.project, world.project_b
    extra = forged(world, project_id=str(project_b.id), session_id=str(world.id("session")))
    response = staff_client.post_form(
        f"/staff/projects/{project.id}/sessions/new", session_form(note="Nuovo") | extra
    )
    assert response.status_code == 302
    session = db.session.scalar(db.select(ProjectSession).where(ProjectSession.note == "Nuovo"))
    assert (session.project_id, session.municipality_id) == (project.id, project.municipality_id)
    assert (
        db.session.scalar(
            db.select(db.func.count()).where(ProjectSession.project_id == project_b.id)
        )
        == 1
    )


def test_moving_a_session_keeps_its_project(staff_client, world, db):
    session = world.session
    extra = forged(world, project_id=str(world.id("project_b")), status="cancelled")
    response = staff_client.post_form(
        f"/staff/sessions/{session.id}/edit", session_form(note="Spostato") | extra
    )
    assert response.status_code == 302
    assert session.note == "Spostato"
    assert (session.project_id, session.municipality_id) == (
        world.id("project"), world.id("municipality"),
    )  # fmt: skip
    assert session.status == "scheduled"


@pytest.mark.parametrize("existing", [False, True], ids=["new", "edit"])
def test_venues_stay_in_the_staff_members_municipality(staff_client, world, db, existing):
    url = f"/staff/venues/{world.id('venue')}/edit" if existing else "/staff/venues/new"
    data = {"name": "Sala civica", "address": "Piazza 1", "capacity": "30"}
    assert staff_client.post_form(url, data | forged(world)).status_code == 302
    venue = db.session.scalar(db.select(Venue).where(Venue.name == "Sala civica"))
    assert venue.municipality_id == world.id("municipality")
    assert (venue.id == world.id("venue")) == existing


def plan_form(**overrides) -> dict:
    return {
        "goals": "Imparare.", "target_hours": "60", "start_date": "2026-03-01",
        "end_date": "2026-06-30", "tutor_id": "0", "notes": "",
    } | overrides  # fmt: skip


def test_a_new_plan_is_for_the_person_in_the_url(staff_client, world, db):
    person = world.other_participant
    extra = forged(world, participant_id=str(world.id("participant")), status="active",
                   version="7", plan_id=str(world.id("plan")))  # fmt: skip
    response = staff_client.post_form(
        f"/staff/participants/{person.id}/plan/new", plan_form(goals="Per Ikechukwa") | extra
    )
    assert response.status_code == 302
    plan = db.session.scalar(db.select(Plan).where(Plan.goals == "Per Ikechukwa"))
    assert (plan.participant_id, plan.municipality_id) == (person.id, world.id("municipality"))
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, 1)
    assert world.plan.goals == "Obiettivi riservati"


def test_editing_a_plan_keeps_its_participant(staff_client, world, db):
    plan = world.plan
    extra = forged(world, status="active", version="9")
    response = staff_client.post_form(f"/staff/plans/{plan.id}/edit", plan_form() | extra)
    assert response.status_code == 302
    assert plan.goals == "Imparare."
    assert (plan.participant_id, plan.municipality_id) == (
        world.id("participant"), world.id("municipality"),
    )  # fmt: skip
    assert plan.status == PlanStatus.DRAFT


def test_a_plan_cannot_name_a_project_or_tutor_of_another_municipality(staff_client, world, db):
    plan = world.plan
    data = plan_form(projects=[str(world.id("project_b"))], tutor_id=str(world.id("other_staff")))
    response = staff_client.post_form(f"/staff/plans/{plan.id}/edit", data)
    assert response.status_code == 200  # not choices of the form
    assert plan.projects == [] and plan.tutor_id is None


def event_form(world, **overrides) -> dict:
    return {
        "title": "Festa nuova", "description": "", "event_type": "meeting",
        "venue_id": str(world.id("venue")), "day": "2026-03-12", "start_time": "18:00",
        "end_time": "20:00", "capacity": "40", "languages": ["it"], "audience": "all",
    } | overrides  # fmt: skip


def test_a_new_event_belongs_to_the_staff_members_municipality(staff_client, world, db):
    extra = forged(world, status="cancelled", public_guests="99", series_id="1")
    response = staff_client.post_form("/staff/events/new", event_form(world) | extra)
    assert response.status_code == 302
    event = db.session.scalar(
        db.select(CommunityEvent).where(CommunityEvent.title == "Festa nuova")
    )
    assert event.municipality_id == world.id("municipality")
    assert (event.status, event.public_guests, event.series_id) == ("scheduled", 0, None)


def test_a_venue_or_project_of_another_municipality_is_refused_in_event_forms(
    staff_client, world, db
):
    venue_b = Venue(municipality_id=world.id("other_municipality"), name="Altrove", address="-")
    db.session.add(venue_b)
    db.session.commit()
    for data in (
        event_form(world, venue_id=str(venue_b.id)),
        event_form(world, audience="projects", audience_projects=[str(world.id("project_b"))]),
    ):
        response = staff_client.post_form("/staff/events/new", data)
        assert response.status_code in (200, 404)
    assert (
        db.session.scalar(db.select(CommunityEvent.id).where(CommunityEvent.title == "Festa nuova"))
        is None
    )


def test_a_new_series_belongs_to_the_staff_members_municipality(staff_client, world, db):
    data = event_form(world, title="Serie nuova", weekdays=["2"], until="2026-04-30", interval="1")
    response = staff_client.post_form("/staff/events/series/new", data | forged(world))
    assert response.status_code == 302
    events = db.session.scalars(
        db.select(CommunityEvent).where(CommunityEvent.title == "Serie nuova")
    ).all()
    assert events and {e.municipality_id for e in events} == {world.id("municipality")}


def test_event_attendance_counts_only_the_municipalitys_participants(staff_client, world, db):
    event = world.event
    data = {
        "guests": "3",
        "present": [str(world.id("participant")), str(world.id("participant_b")),
                    str(world.id("staff"))],
    } | forged(world)  # fmt: skip
    response = staff_client.post_form(f"/staff/events/{event.id}", data)
    assert response.status_code == 302
    came = db.session.scalars(
        db.select(EventAttendance).where(EventAttendance.event_id == event.id)
    ).all()
    assert [(a.participant_id, a.municipality_id, a.recorded_by_id) for a in came] == [
        (world.id("participant"), world.id("municipality"), world.id("staff"))
    ]


def test_the_month_lock_is_for_the_staff_members_municipality(staff_client, world, db):
    response = staff_client.post_form("/staff/attendance", {"month": "2026-01"} | forged(world))
    assert response.status_code == 302
    lock = db.session.scalar(db.select(MonthLock).where(MonthLock.month == "2026-01"))
    assert (lock.municipality_id, lock.locked_by_id) == (
        world.id("municipality"),
        world.id("staff"),
    )


def test_an_inbox_reply_goes_to_the_person_in_the_url(staff_client, world, db, gateway):
    person = world.participant
    extra = forged(world, phone="+393470000222", to="+393470000222")
    response = staff_client.post_form(f"/staff/inbox/{person.id}", {"body": "Ciao!"} | extra)
    assert response.status_code == 302
    reply = db.session.scalar(db.select(Message).where(Message.body == "Ciao!"))
    assert (reply.user_id, reply.phone, reply.municipality_id) == (
        person.id, person.phone, world.id("municipality"),
    )  # fmt: skip
    assert all(to != "+393470000222" for to, *_rest in gateway.sent)


def test_a_certificate_is_for_the_person_in_the_url(staff_client, world, db):
    person = world.participant
    before = set(db.session.scalars(db.select(Certificate.id)))
    response = staff_client.post_form(
        f"/staff/participants/{person.id}/certificates", {"confirm": "1"} | forged(world)
    )  # confirmed: the person may already hold a certificate for these hours
    assert response.status_code == 302
    [new] = db.session.scalars(db.select(Certificate).where(Certificate.id.not_in(before))).all()
    assert (new.participant_id, new.municipality_id, new.issued_by_id) == (
        person.id, world.id("municipality"), world.id("staff"),
    )  # fmt: skip


def test_a_decision_changes_only_the_enrolments_status(staff_client, world, db):
    enrolment = world.enrolment
    extra = forged(world, project_id=str(world.id("project_b")), status="declined")
    response = staff_client.post_form(f"/staff/enrolments/{enrolment.id}/waitlist", extra)
    assert response.status_code == 302
    assert (enrolment.participant_id, enrolment.project_id, enrolment.municipality_id) == (
        world.id("participant"), world.id("project"), world.id("municipality"),
    )  # fmt: skip
    assert world.other_enrolment.status == EnrolmentStatus.ACCEPTED


# The tutor's roster -------------------------------------------------------------------------


def roster_key(client, session_id: int) -> str:
    page = client.get(f"/tutor/sessions/{session_id}").get_data(as_text=True)
    return re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_the_roster_marks_only_people_on_it(client, login_as, world, db):
    session = world.session
    login_as(world.tutor)
    outsider, other = world.id("participant_b"), world.id("other_participant")
    data = {
        "key": roster_key(client, session.id),
        f"mark-{other}": "present", f"hours-{other}": "2",
        f"mark-{outsider}": "present", f"hours-{outsider}": "3",
    } | forged(world, recorded_by_id=str(world.id("staff")), session_id="1")  # fmt: skip
    response = client.post_form(f"/tutor/sessions/{session.id}", data)
    assert response.status_code == 302
    marks = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session.id))
    by_person = {a.participant_id: a for a in marks}
    assert set(by_person) == {world.id("participant"), other}
    assert by_person[other].recorded_by_id == world.id("tutor")
    assert by_person[other].municipality_id == world.id("municipality")
    assert not db.session.scalar(
        db.select(Attendance.id).where(Attendance.participant_id == outsider,
                                       Attendance.session_id == session.id)
    )  # fmt: skip


def test_a_walk_in_from_another_municipality_is_not_added(client, login_as, world, db):
    session = world.session
    login_as(world.tutor)
    data = {"w-key": "a" * 32, "w-phone": world.participant_b.phone} | forged(world)
    response = client.post_form(f"/tutor/sessions/{session.id}/walk-in", data)
    assert response.status_code == 200  # the roster again, the refusal on the walk-in form
    assert "Questo numero è di un altro account" in response.get_data(as_text=True)
    assert not db.session.scalar(
        db.select(Attendance.id).where(Attendance.participant_id == world.id("participant_b"),
                                       Attendance.session_id == session.id)
    )  # fmt: skip


# A participant editing ids --------------------------------------------------------------------


@pytest.fixture
def participant_client(client, login_as, world):
    login_as(world.participant)
    return client


def test_a_participant_cannot_withdraw_someone_elses_enrolment(participant_client, world, db):
    enrolment = world.other_enrolment
    response = participant_client.post_form(f"/me/enrolments/{enrolment.id}/withdraw")
    assert response.status_code == 404
    assert enrolment.status == EnrolmentStatus.ACCEPTED


def test_withdrawing_ignores_a_forged_owner(participant_client, world, db):
    mine, theirs = world.enrolment, world.other_enrolment
    response = participant_client.post_form(
        f"/me/enrolments/{mine.id}/withdraw", forged(world, enrolment_id=str(theirs.id))
    )
    assert response.status_code == 302
    assert mine.status == EnrolmentStatus.WITHDRAWN
    assert theirs.status == EnrolmentStatus.ACCEPTED


def test_a_participant_cannot_answer_for_an_event_of_another_municipality(
    participant_client, world, db
):
    event = world.event_b
    assert participant_client.post_form(f"/events/{event.id}/yes").status_code == 404
    assert db.session.scalar(db.select(EventRsvp.id).where(EventRsvp.event_id == event.id)) is None


def test_a_participant_cannot_answer_for_an_event_not_for_them(participant_client, world, db):
    event = world.event
    event.audience = Audience.LANGUAGE
    event.audience_language = "ar"
    db.session.commit()
    response = participant_client.post_form(f"/events/{event.id}/yes", follow_redirects=True)
    assert "Questo evento non è aperto a te." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(EventRsvp.id).where(EventRsvp.event_id == event.id)) is None


def test_an_answer_is_always_the_own(participant_client, world, db):
    event = world.event
    response = participant_client.post_form(f"/events/{event.id}/yes", forged(world))
    assert response.status_code == 302
    answers = db.session.scalars(db.select(EventRsvp).where(EventRsvp.event_id == event.id)).all()
    assert [(a.participant_id, a.municipality_id, a.coming) for a in answers] == [
        (world.id("participant"), world.id("municipality"), True)
    ]


def test_joining_is_always_for_oneself(participant_client, world, db):
    source = world.project
    project = Project(
        municipality_id=source.municipality_id, title="Nuovo progetto", description="-",
        sector=source.sector, status=ProjectStatus.PUBLISHED, capacity=5, min_age=18,
        languages=",it,", start_date=source.start_date, end_date=source.end_date,
        translations={},
    )  # fmt: skip
    db.session.add(project)
    db.session.commit()
    response = participant_client.post_form(
        f"/projects/{project.id}/join", forged(world, status="accepted")
    )
    assert response.status_code == 302
    [enrolment] = db.session.scalars(
        db.select(Enrolment).where(Enrolment.project_id == project.id)
    ).all()
    assert enrolment.participant_id == world.id("participant")


def test_a_participant_cannot_download_someone_elses_certificate(participant_client, world):
    other = world.id("other_certificate")
    assert participant_client.get(f"/me/certificates/{other}.pdf").status_code == 404
    mine = participant_client.get(f"/me/certificates/{world.id('certificate')}.pdf")
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"


def test_the_data_export_is_always_the_own(participant_client, world):
    other = world.other_participant
    body = participant_client.get(f"/me/data.json?user_id={other.id}&id={other.id}").get_data(
        as_text=True
    )
    assert world.participant.first_name in body
    assert other.first_name not in body and other.phone not in body


def test_the_signing_code_is_for_the_own_plan_and_phone(participant_client, world, db):
    other = world.other_participant
    other_plan = Plan(
        municipality_id=other.municipality_id, participant_id=other.id, goals="Altro",
        target_hours=60, start_date=date(2026, 3, 1), end_date=date(2026, 6, 30),
    )  # fmt: skip
    db.session.add(other_plan)
    db.session.commit()
    extra = forged(world, plan_id=str(other_plan.id), phone=other.phone)
    response = participant_client.post_form("/me/plan/code", extra)
    assert response.status_code == 302
    codes = db.session.scalars(db.select(LoginCode).where(LoginCode.purpose == "plan_sign")).all()
    assert [(c.phone, c.user_id) for c in codes] == [
        (world.participant.phone, world.id("participant"))
    ]
    assert not db.session.scalar(db.select(Message.id).where(Message.phone == other.phone))


def test_staff_cannot_reach_a_participant_of_another_municipality_by_editing_the_url(
    staff_client, world, db
):
    person = world.participant_b
    before = owner_and_place(person)
    for url, data in (
        (f"/staff/participants/{person.id}/facts", {"sex": "male"}),
        (f"/staff/inbox/{person.id}", {"body": "Ciao"}),
        (f"/staff/participants/{person.id}/plan/new", plan_form()),
        (f"/staff/participants/{person.id}/certificates", {}),
        (f"/staff/participants/{person.id}/reviewed", {}),
    ):
        assert staff_client.post_form(url, data).status_code == 404, url
    assert owner_and_place(person) == before and person.sex is None
    assert db.session.scalar(db.select(Plan.id).where(Plan.participant_id == person.id)) is None
    assert (
        db.session.scalar(db.select(Certificate.id).where(Certificate.participant_id == person.id))
        is None
    )
    assert db.session.scalar(db.select(Message.id).where(Message.body == "Ciao")) is None
