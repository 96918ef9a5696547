"""The audit trail is complete and append-only.

Every row names who (actor id and role), where (municipality), what (action), on
which record (type and id), from which IP, and when (UTC). One test per kind of
event: logins and their failures, refused access, a staff member reading a
participant's profile, every change to a plan and to attendance, every export and
every erasure.
"""

import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from civic_app.attendance.models import MonthLock
from civic_app.casework.models import (
    CareService,
    CaseNote,
    ConsentMethod,
    Intake,
    Referral,
    Sensitivity,
    ServiceKind,
)
from civic_app.core.accounts import User
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.people.models import ErasureRequest
from civic_app.people.retention import pseudonymise_after_retention
from civic_app.plans.models import Plan
from civic_app.projects.models import EnrolmentStatus
from civic_app.sms.models import Message
from tests.security.conftest import log_in, log_in_by_sms

IP = "203.0.113.7"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def from_one_address(client):
    """Every request of these tests comes from IP (as REMOTE_ADDR, before any proxy)."""
    client.environ_base["REMOTE_ADDR"] = IP


def events(db, action):
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def last(db, action) -> AuditEvent:
    found = events(db, action)
    assert found, f"no {action!r} in the audit trail"
    return found[-1]


def assert_complete(event, clock, *, actor, municipality_id, target=None, target_type=None):
    """Who, role, municipality, record, IP, UTC time: all there."""
    assert event.actor_id == (actor.id if actor is not None else None)
    assert event.actor_role == (str(actor.role) if actor is not None else None)
    assert event.municipality_id == municipality_id
    if target is not None:
        assert (event.target_type, event.target_id) == (
            target_type or type(target).__tablename__,
            target.id,
        )
    assert event.ip == IP
    assert event.created_at == clock.now()
    assert event.created_at.utcoffset() == timedelta(0)


# Logging in ---------------------------------------------------------------------------


def test_a_password_login_is_audited(client, db, clock, staff):
    assert log_in(client, staff).status_code == 302
    assert_complete(
        last(db, "auth.login"), clock, actor=staff, municipality_id=staff.municipality_id,
        target=staff,
    )  # fmt: skip


def test_a_failed_password_login_names_the_account_tried_by_id_only(client, db, clock, staff):
    log_in(client, staff, password="wrong password")  # noqa: S106
    event = last(db, "auth.login_failed")
    assert_complete(event, clock, actor=None, municipality_id=staff.municipality_id, target=staff)
    assert event.details == {"method": "password"}
    client.post_form("/login", {"email": "nobody@example.org", "password": "x"})
    unknown = last(db, "auth.login_failed")
    assert unknown.id != event.id and unknown.target_id is None and unknown.ip == IP
    assert "nobody" not in str(unknown.details)


def test_an_sms_code_login_is_audited(client, db, clock, create_participant):
    person = create_participant()
    assert log_in_by_sms(client, db, person).status_code == 302
    assert_complete(
        last(db, "auth.login"), clock, actor=person, municipality_id=person.municipality_id,
        target=person,
    )  # fmt: skip


def test_a_wrong_sms_code_is_audited(client, db, clock, create_participant):
    person = create_participant()
    client.post_form("/login/phone", {"phone": person.phone})
    code = re.search(r"\d{6}", db.session.scalar(db.select(Message.body))).group(0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    client.post_form("/login/code", {"code": wrong})
    event = last(db, "auth.login_failed")
    assert_complete(event, clock, actor=None, municipality_id=person.municipality_id, target=person)
    assert event.details == {"method": "sms_code"}
    assert code not in str(event.details) and wrong not in str(event.details)


def test_a_wrong_second_factor_code_is_audited(client, db, clock, create_user):
    staff = create_user(Role.STAFF, totp_secret=TOTP_SECRET, totp_enabled_at=clock.now())
    log_in(client, staff)
    client.post_form("/login/totp", {"code": "000000"})
    assert_complete(
        last(db, "auth.totp_failed"), clock, actor=None,
        municipality_id=staff.municipality_id, target=staff,
    )  # fmt: skip


# Refused access -----------------------------------------------------------------------


def test_a_page_of_another_role_is_refused_and_audited(client, db, clock, login_as, create_user):
    tutor = login_as(create_user(Role.TUTOR))
    assert client.get("/staff/participants").status_code == 403
    event = last(db, "auth.forbidden")
    assert_complete(event, clock, actor=tutor, municipality_id=tutor.municipality_id)
    assert event.details == {"endpoint": "participants"}


def test_a_record_of_another_municipality_is_a_404_and_audited(
    client, db, clock, login_as, create_user, create_participant, other_municipality
):
    person = create_participant()
    outsider = login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(f"/staff/participants/{person.id}").status_code == 404
    event = last(db, "auth.out_of_scope")
    assert_complete(event, clock, actor=outsider, municipality_id=other_municipality.id,
                    target=person)  # fmt: skip
    assert event.details == {"record_municipality_id": person.municipality_id}
    assert events(db, "participant.viewed") == []


# Reading a participant's profile ------------------------------------------------------


def test_staff_reading_a_participants_profile_is_audited(
    client, db, clock, login_as, staff, create_participant
):
    person = create_participant()
    login_as(staff)
    assert client.get(f"/staff/participants/{person.id}").status_code == 200
    assert_complete(
        last(db, "participant.viewed"), clock, actor=staff,
        municipality_id=staff.municipality_id, target=person,
    )  # fmt: skip


# Reading a case -----------------------------------------------------------------------


@pytest.fixture
def case(db, create_user, clock):
    """A caseworker of the default municipality, a case there with a team note and a
    health note by a psychologist (which a caseworker may not read)."""
    caseworker = create_user(Role.CASEWORKER, profession="caseworker")
    psychologist = create_user(Role.CASEWORKER, profession="psychologist")
    person = create_user(Role.IN_CARE, email=None, first_name="Alias", last_name=None)
    today = clock.now().date()
    intake = Intake(
        municipality_id=person.municipality_id, person_id=person.id, met_on=today,
        last_seen_on=today, consent_method=ConsentMethod.VERBAL, recorded_by_id=caseworker.id,
    )  # fmt: skip
    db.session.add(intake)
    db.session.flush()
    notes = [
        CaseNote(municipality_id=intake.municipality_id, intake_id=intake.id,
                 author_id=psychologist.id, author_profession="psychologist",
                 sensitivity=sensitivity, body="Nota", written_at=clock.now())
        for sensitivity in (Sensitivity.TEAM, Sensitivity.HEALTH)
    ]  # fmt: skip
    db.session.add_all(notes)
    db.session.commit()
    return caseworker, psychologist, intake, notes


def test_reading_a_case_and_each_of_its_notes_is_audited(client, db, clock, login_as, case):
    caseworker, psychologist, intake, (team, health) = case
    scope = intake.municipality_id
    login_as(caseworker)
    assert client.get(f"/cases/{intake.id}").status_code == 200
    assert_complete(last(db, "case.viewed"), clock, actor=caseworker, municipality_id=scope,
                    target=intake)  # fmt: skip
    [read] = events(db, "case_note.read")  # the health note is not theirs to read
    assert_complete(read, clock, actor=caseworker, municipality_id=scope, target=team)
    assert read.details == {"intake_id": intake.id}
    login_as(psychologist)
    assert client.get(f"/cases/{intake.id}").status_code == 200
    assert len(events(db, "case.viewed")) == 2
    reads = events(db, "case_note.read")[1:]
    assert {(e.actor_id, e.target_id) for e in reads} == {
        (psychologist.id, team.id), (psychologist.id, health.id),
    }  # fmt: skip


def test_a_case_refused_is_audited_and_not_read(
    client, db, clock, login_as, case, staff, create_user, other_municipality
):
    _caseworker, _psychologist, intake, _notes = case
    login_as(staff)  # staff without the casework grant
    assert client.get(f"/cases/{intake.id}").status_code == 403
    assert_complete(last(db, "auth.forbidden"), clock, actor=staff,
                    municipality_id=staff.municipality_id)  # fmt: skip
    outsider = login_as(create_user(Role.CASEWORKER, municipality=other_municipality,
                                    profession="psychologist"))  # fmt: skip
    assert client.get(f"/cases/{intake.id}").status_code == 404
    event = last(db, "auth.out_of_scope")
    assert_complete(event, clock, actor=outsider, municipality_id=other_municipality.id,
                    target=intake)  # fmt: skip
    assert events(db, "case.viewed") == [] and events(db, "case_note.read") == []


# Plans --------------------------------------------------------------------------------

PLAN_FORM = {
    "goals": "Imparare a curare il verde.",
    "goals_translated": "",
    "target_hours": "60",
    "start_date": "2026-03-01",
    "end_date": "2026-06-30",
    "tutor_id": "0",
    "notes": "",
}


def sign_as_participant(client, db, login_as, person):
    login_as(person)
    client.post_form("/me/plan/code")
    body = db.session.scalar(
        db.select(Message.body)
        .where(Message.user_id == person.id, Message.kind == "login_code")
        .order_by(Message.id.desc())
    )
    return client.post_form("/me/plan", {"code": re.search(r"\d{6}", body).group(0)})


def test_every_step_of_a_plan_is_audited(client, db, clock, login_as, staff, create_participant):
    person = create_participant()
    scope = staff.municipality_id
    login_as(staff)
    client.post_form(f"/staff/participants/{person.id}/plan/new", PLAN_FORM)
    plan = db.session.scalar(db.select(Plan))
    created = last(db, "plan.saved")
    assert_complete(created, clock, actor=staff, municipality_id=scope, target=plan)
    assert created.details == {"version": 1}

    client.post_form(f"/staff/plans/{plan.id}/edit", PLAN_FORM | {"target_hours": "80"})
    assert len(events(db, "plan.saved")) == 2
    assert last(db, "plan.saved").details == {"version": 2}

    client.post_form(f"/staff/plans/{plan.id}/send")
    assert_complete(last(db, "plan.send"), clock, actor=staff, municipality_id=scope, target=plan)

    assert sign_as_participant(client, db, login_as, person).status_code == 302
    assert_complete(
        last(db, "plan.signed"), clock, actor=person, municipality_id=scope, target=plan
    )

    login_as(staff)
    client.post_form(f"/staff/plans/{plan.id}/countersign")
    countersigned = last(db, "plan.countersign")
    assert_complete(countersigned, clock, actor=staff, municipality_id=scope, target=plan)
    assert countersigned.details["status"] == "signed"

    for status in ("active", "completed"):
        client.post_form(f"/staff/plans/{plan.id}/status", {"status": status, "reason": "ok"})
        changed = last(db, "plan.status")
        assert_complete(changed, clock, actor=staff, municipality_id=scope, target=plan)
        assert changed.details == {"status": status, "version": 2}
        assert "ok" not in changed.details.values()  # the reason is free text: not here

    client.get(f"/staff/plans/{plan.id}")
    assert_complete(last(db, "plan.viewed"), clock, actor=staff, municipality_id=scope, target=plan)


def test_withdrawing_a_plan_is_audited(client, db, clock, login_as, staff, create_participant):
    person = create_participant()
    login_as(staff)
    client.post_form(f"/staff/participants/{person.id}/plan/new", PLAN_FORM)
    plan = db.session.scalar(db.select(Plan))
    client.post_form(f"/staff/plans/{plan.id}/status", {"status": "withdrawn", "reason": "Via"})
    event = last(db, "plan.status")
    assert_complete(event, clock, actor=staff, municipality_id=staff.municipality_id, target=plan)
    assert event.details["status"] == "withdrawn"


# Attendance ---------------------------------------------------------------------------


@pytest.fixture
def roster(db, create_user, create_participant, project, enrol, add_session, clock):
    tutor = create_user(Role.TUTOR)
    project.tutors = [tutor]
    db.session.commit()
    person = create_participant()
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    return tutor, person, add_session(project, clock.now())


def post_roster(client, session, data):
    page = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    return client.post_form(f"/tutor/sessions/{session.id}", {"key": key, **data})


def test_marks_and_corrections_are_audited(client, db, clock, login_as, roster):
    tutor, person, session = roster
    login_as(tutor)
    post_roster(client, session, {f"mark-{person.id}": "present"})
    marked = last(db, "attendance.recorded")
    assert_complete(marked, clock, actor=tutor, municipality_id=session.municipality_id,
                    target=session)  # fmt: skip
    assert marked.details == {"marks": 1, "correction": False}

    post_roster(client, session, {f"mark-{person.id}": "excused", "reason": "Certificato"})
    corrected = last(db, "attendance.recorded")
    assert corrected.id != marked.id and corrected.details == {"marks": 1, "correction": True}
    assert_complete(corrected, clock, actor=tutor, municipality_id=session.municipality_id,
                    target=session)  # fmt: skip


def test_a_walk_in_is_audited(client, db, clock, login_as, roster, create_participant):
    tutor, _person, session = roster
    walker = create_participant()
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    key = re.search(r'id="w-key" name="w-key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    client.post_form(
        f"/tutor/sessions/{session.id}/walk-in", {"w-key": key, "w-phone": walker.phone}
    )
    event = last(db, "attendance.walk_in")
    assert_complete(event, clock, actor=tutor, municipality_id=session.municipality_id,
                    target=session)  # fmt: skip
    assert event.details == {"participant_id": walker.id}


def test_locking_and_unlocking_a_month_are_audited(client, db, clock, login_as, staff):
    login_as(staff)
    client.post_form("/staff/attendance", {"month": "2026-03"})
    lock = db.session.scalar(db.select(MonthLock))
    lock_id, scope = lock.id, staff.municipality_id
    assert_complete(last(db, "attendance.month_locked"), clock, actor=staff,
                    municipality_id=scope, target=lock)  # fmt: skip
    client.post_form(f"/staff/attendance/locks/{lock_id}/unlock", {"reason": "Errore"})
    unlocked = last(db, "attendance.month_unlocked")
    assert_complete(unlocked, clock, actor=staff, municipality_id=scope)
    # The lock row is gone; the audit row still names it.
    assert (unlocked.target_type, unlocked.target_id) == ("month_lock", lock_id)
    assert unlocked.details == {"month": "2026-03"}


# Exports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "action", "details"),
    [
        ("/staff/reports/fund.csv", "report.exported", {"kind": "fund", "format": "csv"}),
        ("/staff/reports/fund.xlsx", "report.exported", {"kind": "fund", "format": "xlsx"}),
        ("/staff/reports/participants.csv", "report.participants_exported", {"format": "csv"}),
        ("/staff/reports/participants.xlsx", "report.participants_exported", {"format": "xlsx"}),
    ],
)
def test_every_staff_export_is_audited(
    client, db, clock, login_as, staff, create_participant, url, action, details
):
    create_participant()
    login_as(staff)
    assert client.get(url).status_code == 200
    event = last(db, action)
    assert_complete(event, clock, actor=staff, municipality_id=staff.municipality_id)
    assert details.items() <= event.details.items() and "rows" in event.details


def test_the_attendance_export_is_audited(client, db, clock, login_as, staff, project):
    login_as(staff)
    response = client.get(f"/staff/attendance/export.csv?project={project.id}&month=2026-03")
    assert response.status_code == 200
    event = last(db, "attendance.exported")
    assert_complete(event, clock, actor=staff, municipality_id=staff.municipality_id,
                    target=project)  # fmt: skip
    assert event.details == {"month": "2026-03", "rows": 0}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_national_export_is_audited(client, db, clock, login_as, create_user, fmt):
    coordinator = login_as(create_user(Role.COORDINATOR))
    assert client.get(f"/network/fund.{fmt}").status_code == 200
    event = last(db, "report.exported")
    # A coordinator works for no municipality: the row says so.
    assert_complete(event, clock, actor=coordinator, municipality_id=None)
    assert event.actor_role == "coordinator" and event.details["format"] == fmt


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_participants_own_data_export_is_audited(
    client, db, clock, login_as, create_participant, fmt
):
    person = login_as(create_participant())
    assert client.get(f"/me/data.{fmt}").status_code == 200
    event = last(db, "data.exported")
    assert_complete(event, clock, actor=person, municipality_id=person.municipality_id,
                    target=person)  # fmt: skip
    assert event.details == {"format": fmt}


# Erasure ------------------------------------------------------------------------------


def test_an_erasure_request_and_its_processing_are_audited(
    client, db, clock, login_as, staff, create_participant
):
    person = login_as(create_participant())
    client.post_form("/me/data/erase")
    erasure = db.session.scalar(db.select(ErasureRequest))
    assert_complete(last(db, "data.erasure_requested"), clock, actor=person,
                    municipality_id=person.municipality_id, target=erasure)  # fmt: skip
    login_as(staff)
    assert client.post_form(f"/staff/erasures/{erasure.id}/process").status_code == 302
    assert_complete(last(db, "data.erased"), clock, actor=staff,
                    municipality_id=person.municipality_id, target=person)  # fmt: skip


def test_the_erasure_after_the_retention_period_is_audited(db, create_participant, app):
    from datetime import date

    person = create_participant()
    db.session.add(
        Plan(
            participant_id=person.id, municipality_id=person.municipality_id,
            goals="x", target_hours=10, start_date=date(2020, 1, 1), end_date=date(2020, 6, 30),
            status="completed", version=1,
        )
    )  # fmt: skip
    db.session.commit()
    now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    with app.app_context():
        assert pseudonymise_after_retention(now, 24) == 1
        db.session.commit()
    event = last(db, "data.erased")
    # A job did it: no person, no IP; the record and the municipality are named.
    assert (event.actor_id, event.actor_role, event.ip) == (None, None, None)
    assert (event.target_type, event.target_id) == ("user", person.id)
    assert event.municipality_id == person.municipality_id
    assert event.details == {"reason": "retention"} and event.created_at.tzinfo is not None


# Append-only --------------------------------------------------------------------------


def test_audit_rows_cannot_be_changed_or_deleted_in_bulk_either(db, staff):
    """Completes tests/core/test_permissions.py, which covers changing one loaded row."""
    db.session.add(AuditEvent(action="test.kept", details={}))
    db.session.commit()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(update(AuditEvent).values(action="test.changed"))
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(delete(AuditEvent).where(AuditEvent.action == "test.kept"))
    db.session.rollback()
    assert [e.action for e in events(db, "test.kept")] == ["test.kept"]


def test_postgresql_refuses_raw_sql_changes_to_audit_rows(app, db):
    """Migration 0010's trigger: UPDATE and DELETE raise, whatever client sends them."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL, the production database")
    with db.engine.connect() as conn:
        outer = conn.begin()
        conn.execute(text("INSERT INTO audit_event (action, details, created_at) "
                          "VALUES ('test.raw', '{}', now())"))  # fmt: skip
        for statement in (
            "UPDATE audit_event SET action = 'test.changed' WHERE action = 'test.raw'",
            "DELETE FROM audit_event WHERE action = 'test.raw'",
        ):
            savepoint = conn.begin_nested()
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(statement))
            savepoint.rollback()
        kept = conn.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'test.raw'"))
        assert kept == 1
        outer.rollback()


# No personal values in the audit trail or in the logs --------------------------------

WEB_PHONE, WEB_TYPED = "+393471239876", "347 123 9876"
SMS_PHONE = "+33612345699"
NAMES = ("Zainab", "Okonkwo", "Karim", "Benali")
#: Every way the two numbers may be written.
NUMBER_FORMS = (
    WEB_PHONE, "3471239876", WEB_TYPED, "+39 347 123 9876", "347 1239876",
    SMS_PHONE, "0612345699", "06 12 34 56 99", "+33 6 12 34 56 99",
)  # fmt: skip


def test_no_personal_value_reaches_the_logs_or_the_audit_trail(
    app, client, db, clock, gateway, caplog, monkeypatch, municipality, login_as, staff,
    create_user, project, enrol, add_session, text,
):  # fmt: skip
    """A realistic day, with every logger at DEBUG (the root logger; the libraries whose
    DEBUG output prints rows are kept at WARNING by the app's own logging set-up)."""
    from civic_app.sms.dispatcher import dispatch_due

    caplog.set_level(logging.DEBUG)
    urls = []
    real_open = client.open

    def open_and_note(*args, **kwargs):
        urls.append(str(args[0] if args else kwargs.get("path", "")))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(client, "open", open_and_note)

    def newest_code(phone):
        body = db.session.scalar(
            db.select(Message.body).where(Message.phone == phone).order_by(Message.id.desc())
        )
        return re.search(r"\d{6}", body).group(0)

    # Sign-up on the web, then a new login by SMS code.
    client.post_form("/login/phone", {"phone": WEB_TYPED})
    client.post_form("/login/code", {"code": newest_code(WEB_PHONE)})
    signed_up = client.post_form(
        "/signup",
        {"first_name": "Zainab", "last_name": "Okonkwo", "language": "it",
         "municipality": "roma", "sectors": ["green"], "programme_consent": "y",
         "sms_consent": "y"},
    )  # fmt: skip
    assert signed_up.status_code == 302
    person = db.session.scalar(db.select(User).where(User.phone == WEB_PHONE))
    client.post_form("/logout")
    client.post_form("/login/phone", {"phone": WEB_TYPED})
    client.post_form("/login/code", {"code": "000000"})  # a wrong one first
    client.post_form("/login/code", {"code": newest_code(WEB_PHONE)})
    assert client.get("/me/data.json").status_code == 200

    # Staff read the profile and write a plan; the participant signs it.
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    login_as(staff)
    assert client.get(f"/staff/participants/{person.id}").status_code == 200
    client.post_form(
        f"/staff/participants/{person.id}/plan/new",
        PLAN_FORM | {"goals": "Zainab Okonkwo impara il giardinaggio.", "notes": "Okonkwo"},
    )
    plan = db.session.scalar(db.select(Plan))
    client.post_form(f"/staff/plans/{plan.id}/send")
    sign_as_participant(client, db, login_as, person)
    login_as(staff)
    client.post_form(f"/staff/plans/{plan.id}/countersign")
    client.post_form(f"/staff/plans/{plan.id}/status", {"status": "active", "reason": "Zainab"})

    # A tutor marks the session and corrects a mark; staff export.
    tutor = create_user(Role.TUTOR)
    project.tutors = [tutor]
    db.session.commit()
    session = add_session(project, clock.now())
    login_as(tutor)
    post_roster(client, session, {f"mark-{person.id}": "present"})
    post_roster(client, session, {f"mark-{person.id}": "late", "reason": "Zainab in ritardo"})
    login_as(staff)
    client.get(f"/staff/attendance/export.csv?project={project.id}&month=2026-03")
    client.get("/staff/reports/participants.csv")
    client.get("/staff/reports/fund.xlsx")

    # Someone signs up by SMS; the outbox goes out, once failing.
    for body in ("Inscrire", "3", "Karim Benali", "roma", "1", "1990", "oui", "HEURES"):
        text(SMS_PHONE, body)
    assert db.session.scalar(db.select(User).where(User.phone == SMS_PHONE)) is not None
    bodies = set(db.session.scalars(db.select(Message.body)))
    codes = {m for b in bodies for m in re.findall(r"\b\d{6}\b", b)}
    gateway.fail_next("500")
    dispatch_due(gateway, clock.now())
    clock.advance(minutes=5)
    dispatch_due(gateway, clock.now())
    # The development server's request line, as werkzeug logs it.
    for query in ("q=Okonkwo+Zainab", f"q={WEB_TYPED}"):
        logging.getLogger("werkzeug").info(
            '"%s" %s %s', f"GET /staff/participants?{query} HTTP/1.1", "200", "-"
        )

    # Erasure, asked and done.
    login_as(person)
    client.post_form("/me/data/erase")
    login_as(staff)
    erasure = db.session.scalar(db.select(ErasureRequest))
    client.post_form(f"/staff/erasures/{erasure.id}/process")

    assert codes and caplog.records
    logged = "\n".join([caplog.text, *(record.getMessage() for record in caplog.records)])
    audited = "\n".join(
        json.dumps(e.details, ensure_ascii=False) for e in db.session.scalars(db.select(AuditEvent))
    )
    assert "participant.viewed" in {e.action for e in db.session.scalars(db.select(AuditEvent))}
    where = {"logs": logged, "audit details": audited, "URLs": "\n".join(urls)}
    texts = {b for b in bodies if len(b) > 12}  # whole SMS texts (short replies are words)
    for place, haystack in where.items():
        for value in (*NUMBER_FORMS, *NAMES, *codes, *texts):
            assert value not in haystack, f"{value!r} found in the {place}"


CASE_PHONE, CASE_TYPED = "+393471230555", "347 123 0555"
#: Who the person is, and what a caseworker writes about them: in the case only, never
#: in a log, the audit trail or a URL; what is written, not in an SMS either.
CASE_PERSON = ("Faridah", "Benalio", CASE_PHONE, "3471230555", CASE_TYPED)
CASE_WRITTEN = ("Mediatrice Samirah", "Racconta di Faridah e del permesso",
                "Faridah chiede aiuto per il permesso")  # fmt: skip
#: The needs found (some special-category data: health) in no audit row or SMS.
SPECIAL = ("mental_health", ",legal,")


def test_no_case_data_reaches_the_logs_the_audit_trail_the_urls_or_the_sms(
    app, client, db, clock, gateway, caplog, monkeypatch, login_as, create_user, staff
):
    from civic_app.core.consent import give_consent
    from civic_app.sms.dispatcher import dispatch_due

    caplog.set_level(logging.DEBUG)
    urls = []
    real_open = client.open

    def open_and_note(*args, **kwargs):
        urls.append(str(args[0] if args else kwargs.get("path", "")))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(client, "open", open_and_note)
    caseworker = login_as(create_user(Role.CASEWORKER, profession="caseworker"))
    service = CareService(municipality_id=caseworker.municipality_id, name="Aiuto legale",
                          kind=ServiceKind.LEGAL_AID, languages=",it,ar,")  # fmt: skip
    db.session.add(service)
    db.session.commit()
    recorded = client.post_form("/cases/new", {
        "first_name": "Faridah", "last_name": "Benalio", "phone": CASE_TYPED, "language": "ar",
        "birth_year": "1990", "met_on": "2026-03-04", "needs": ["legal", "mental_health"],
        "consent_method": "verbal", "interpreter": "Mediatrice Samirah", "person": "new",
        "client_key": "c" * 32,
    })  # fmt: skip
    assert recorded.status_code == 302
    intake = db.session.scalar(db.select(Intake))
    give_consent(intake.person, "sms", language="ar", method="verbal", now=clock.now())
    db.session.commit()
    case_url = f"/cases/{intake.id}"
    assert client.get(case_url).status_code == 200
    noted = client.post_form(f"{case_url}/notes", {
        "note_body": "Racconta di Faridah e del permesso", "note_sensitivity": "health",
    })  # fmt: skip
    assert noted.status_code == 302
    referred = client.post_form(f"{case_url}/referrals", {
        "service_id": str(service.id), "reason": "Faridah chiede aiuto per il permesso",
        "appointment_day": "2026-03-10", "appointment_time": "10:30",
        "appointment_place": "Via dei Diritti 1",
    })  # fmt: skip
    assert referred.status_code == 302
    referral = db.session.scalar(db.select(Referral))
    client.post_form(f"/cases/referrals/{referral.id}/status", {"status": "sent"})
    assert client.get(case_url).status_code == 200
    exported = client.post_form(
        f"/staff/people/{intake.person_id}/data/export",
        {"export_reason": "in_person", "export_format": "json"},
    )
    assert "Racconta di Faridah" in exported.get_data(as_text=True)  # the person's own copy
    client.post_form(f"{case_url}/close", {"close_reason": "needs_met"})
    dispatch_due(gateway, clock.now())
    login_as(staff)
    assert client.get("/staff/casework").status_code == 200

    sms = [body for _to, body, *_rest in gateway.sent]
    assert sms, "the appointment went out by SMS"
    logged = "\n".join([caplog.text, *(record.getMessage() for record in caplog.records)])
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert {"case.viewed", "case_note.read"} <= {e.action for e in events}
    audited = "\n".join(json.dumps(e.details, ensure_ascii=False) for e in events)
    where = {"logs": logged, "audit details": audited, "URLs": "\n".join(urls),
             "SMS": "\n".join(sms)}  # fmt: skip
    for place, haystack in where.items():
        for value in CASE_WRITTEN + (CASE_PERSON if place != "SMS" else ()):
            assert value not in haystack, f"{value!r} found in the {place}"
    for place in ("audit details", "SMS"):
        for code in SPECIAL:
            assert code not in where[place], f"{code!r} found in the {place}"


def test_the_database_driver_never_logs_rows_or_values(app, caplog):
    """Rows read by SQLAlchemy (names, phones) would be logged once the root logger is
    at DEBUG; database errors would carry the statement's values. Neither happens."""
    caplog.set_level(logging.DEBUG)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


def test_the_console_gateway_logs_that_a_message_went_not_its_text(app, caplog):
    from civic_app.sms.gateways import ConsoleGateway

    caplog.set_level(logging.DEBUG)
    ConsoleGateway(app.config).send(WEB_PHONE, "Zainab, il tuo codice è 482913.", ref=5)
    assert "482913" not in caplog.text and "Zainab" not in caplog.text
    assert WEB_PHONE not in caplog.text and "message 5" in caplog.text
