import csv
import io
import json

from civic_app.core.accounts import Consent, User
from civic_app.core.consent import give_consent
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.people.models import ErasureRequest
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.models import Message
from civic_app.sms.operations import queue_sms


def test_a_participant_downloads_all_their_data_and_only_theirs(
    client, login_as, create_participant, db, clock, app
):
    amina = create_participant(first_name='=HYPERLINK("x")', phone="+393471110000")
    other = create_participant(first_name="Altro")
    with app.test_request_context():
        give_consent(amina, "programme", language="it", method="web", now=clock.now())
    queue_sms(phone=amina.phone, body="Ciao Amina", kind="t", now=clock.now(), user=amina)
    queue_sms(phone=other.phone, body="Ciao Altro", kind="t", now=clock.now(), user=other)
    db.session.commit()
    login_as(amina)
    response = client.get("/me/data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["phone"] == "+393471110000"
    assert [m["body"] for m in data["messages"]] == ["Ciao Amina"]
    assert data["consents"][0]["purpose"] == "programme"
    assert "Altro" not in response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get("/me/data.csv").get_data(as_text=True))))
    first_name = next(r for r in rows if r[2] == "first_name")
    assert first_name[3] == '\'=HYPERLINK("x")'  # shown, never run, by a spreadsheet
    assert client.get("/me/data.xml").status_code == 404
    exported = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.exported"))
    assert exported.actor_id == amina.id


def test_erasure_removes_personal_data_and_keeps_the_numbers(
    client, login_as, create_participant, staff, db, clock, app, project, enrol
):
    amina = create_participant(first_name="Amina", last_name="Diallo", phone="+393471110000")
    enrol(project, amina, EnrolmentStatus.ACCEPTED)
    with app.test_request_context():
        give_consent(amina, "programme", language="fr", method="web", now=clock.now())
    queue_sms(phone=amina.phone, body="Ciao Amina", kind="t", now=clock.now(), user=amina)
    db.session.commit()
    login_as(amina)
    client.post_form("/me/data/erase")
    client.post_form("/me/data/erase")  # asking twice keeps one request
    assert db.session.scalar(db.select(db.func.count(ErasureRequest.id))) == 1
    with client.session_transaction() as session:
        amina_cookie = dict(session)

    login_as(staff)
    page = client.get("/staff/erasures").get_data(as_text=True)
    assert "Amina Diallo" in page
    request = db.session.scalar(db.select(ErasureRequest))
    assert client.post_form(f"/staff/erasures/{request.id}/process").status_code == 302

    person = db.session.get(User, amina.id)
    assert person.erased_at == clock.now()
    assert (person.first_name, person.last_name, person.phone) == (f"#{amina.id}", None, None)
    assert not person.is_active_account
    message = db.session.scalar(db.select(Message).where(Message.user_id == amina.id))
    assert message.body == "[cancellato]" and message.phone == ""
    consent = db.session.scalar(db.select(Consent).where(Consent.user_id == amina.id))
    assert consent.text == "[cancellato]" and consent.version and consent.given_at
    # What the fund's statistics need stays.
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == amina.id))
    assert enrolment.status == EnrolmentStatus.ACCEPTED
    assert person.municipality_id == amina.municipality_id
    # The audit trail stays, without personal values.
    for event in db.session.scalars(db.select(AuditEvent)):
        text = json.dumps(event.details)
        assert "Amina" not in text and "3471110000" not in text
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.erased"))
    # The erased person's old session is gone, and the number is free again.
    with client.session_transaction() as session:
        session.clear()
        session.update(amina_cookie)
    assert client.get("/me").status_code == 302
    assert db.session.get(ErasureRequest, request.id).processed_by_id == staff.id


def test_staff_of_another_municipality_cannot_process_an_erasure(
    client, login_as, create_participant, create_user, other_municipality, db, clock
):
    amina = create_participant()
    login_as(amina)
    client.post_form("/me/data/erase")
    request = db.session.scalar(db.select(ErasureRequest))
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.post_form(f"/staff/erasures/{request.id}/process").status_code == 404
    assert "Nome" not in client.get("/staff/erasures").get_data(as_text=True).split("<main")[1]


# -- everything the site keeps about a person is in their copy -------------------------------

#: Columns that name a user (or hold a phone number) but only as the staff member or tutor
#: who acted: the row is not about that account, so a participant's copy does not list it.
#: The participant whose row it is gets it through the column in PERSONAL instead.
NOT_ABOUT_THE_PERSON = {
    ("audit_event", "actor_id"): "the audit trail says which account did what to which row, "
    "with ids, counts and field names, never a personal value (core/audit.py); it is the "
    "record of the processing itself (this very export and the erasure among it)",
    ("consent", "recorded_by_id"): "the staff member who recorded a consent at the desk",
    ("enrolment", "decided_by_id"): "the staff member who decided on a request to join",
    ("plan", "tutor_id"): "the tutor who follows a plan",
    ("attendance", "recorded_by_id"): "the tutor who marked the roster",
    ("attendance_change", "changed_by_id"): "the staff member who corrected a mark; the "
    "corrections of the person's own marks are in their copy under attendance",
    ("attendance_submission", "submitted_by_id"): "the key of a roster form a tutor sent",
    ("month_lock", "locked_by_id"): "the staff member who closed a month",
    ("event_attendance", "recorded_by_id"): "the staff member who counted people at the door",
    ("certificate", "issued_by_id"): "the staff member who signed for the municipality",
    ("erasure_request", "processed_by_id"): "the staff member who processed an erasure",
    ("project_tutor", "user_id"): "tutors assigned to a project (staff, never participants)",
    ("intake", "recorded_by_id"): "the caseworker who recorded an intake",
    ("referral", "created_by_id"): "the caseworker who made a referral",
    ("referral_change", "by_id"): "the case-team member who moved a referral on; the "
    "steps of the person's own referrals are in their copy under referrals",
    ("case_note", "author_id"): "the case-team member who wrote a note; the notes about "
    "the person are in their copy under case_notes (with the author's profession)",
    ("care_service", "phone"): "the number of a care service of the directory, no person's",
    ("housing_measure", "created_by_id"): "the staff member or caseworker who proposed a "
    "housing measure",
}


def personal_columns(db) -> set[tuple[str, str]]:
    """(table, column) of every column that references user.id or holds a phone number."""
    return {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if "phone" in column.name
        or any(fk.column.table.name == "user" for fk in column.foreign_keys)
    }


def test_the_copy_holds_a_row_of_every_table_that_keeps_data_about_the_person(
    app, db, client, login_as, create_participant, staff, project, add_session, create_venue
):
    from datetime import UTC, date, datetime, timedelta
    from decimal import Decimal

    from civic_app.attendance.models import Attendance, AttendanceChange, AttendanceMonth, Mark
    from civic_app.casework.models import ConsentMethod, Intake
    from civic_app.events.models import (
        Audience,
        CommunityEvent,
        EventAttendance,
        EventRsvp,
        EventType,
    )
    from civic_app.housing.models import HousingMeasure, MeasureKind
    from civic_app.people.data_rights import export_data
    from civic_app.plans.models import Plan, PlanEvent, PlanSignature
    from civic_app.projects.models import Rsvp, SessionOffer
    from civic_app.reports.models import Certificate
    from civic_app.sms.models import Conversation, Direction, LoginCode, OptOut, Status

    amina = create_participant(first_name="Amina", phone="+393471110000")
    m = amina.municipality_id
    session = add_session(project, datetime(2026, 3, 2, 9, tzinfo=UTC))
    venue = create_venue()
    event = CommunityEvent(
        municipality_id=m, venue_id=venue.id, title="Festa", event_type=EventType.WORKSHOP,
        capacity=9, audience=Audience.PUBLIC, starts_at=datetime(2026, 3, 3, 17, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 19, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(event)
    plan = Plan(
        municipality_id=m, participant_id=amina.id, goals="Obiettivo di Amina",
        target_hours=Decimal(40), start_date=session.starts_at.date(),
        end_date=session.starts_at.date(),
    )  # fmt: skip
    db.session.add(plan)
    db.session.flush()
    moments = (datetime(2025, 1, 1, 8, n, tzinfo=UTC) for n in range(60))

    def at():
        return next(moments)

    def message(**kw):
        t = at()
        values = {
            "municipality_id": m, "direction": Direction.OUT, "phone": "+393470000999",
            "body": "x", "kind": "reminder", "status": Status.SENT, "created_at": t,
        }  # fmt: skip
        return Message(**(values | kw)), t

    def code(**kw):
        t = at()
        values = {"phone": "+393470000999", "code_hash": "0" * 64, "created_at": t}
        return LoginCode(**(values | kw), expires_at=t), t

    attendance_at = at()
    attendance = Attendance(
        municipality_id=m, session_id=session.id, session_starts_at=session.starts_at,
        project_id=project.id, participant_id=amina.id, mark=Mark.LATE,
        hours=Decimal("2.75"), recorded_by_id=staff.id, recorded_at=attendance_at,
    )  # fmt: skip
    builders = {
        ("user", "phone"): lambda: (None, "+393471110000"),
        ("consent", "user_id"): lambda: (
            Consent(
                user_id=amina.id,
                purpose="sms",
                version="v1",
                language="it",
                text="Acconsento",
                method="web",
                given_at=(t := at()),
            ),
            t,
        ),  # fmt: skip
        ("enrolment", "participant_id"): lambda: (
            Enrolment(
                project_id=project.id,
                participant_id=amina.id,
                municipality_id=m,
                status=EnrolmentStatus.ACCEPTED,
                requested_at=(t := at()),
            ),
            t,
        ),  # fmt: skip
        ("plan", "participant_id"): lambda: (None, "Obiettivo di Amina"),
        ("plan_signature", "signer_id"): lambda: (
            PlanSignature(
                plan_id=plan.id,
                version=1,
                content_hash="0" * 64,
                signer_id=amina.id,
                signer_role="participant",
                method="sms_code",
                signed_at=(t := at()),
            ),
            t,
        ),  # fmt: skip
        ("plan_event", "actor_id"): lambda: (
            PlanEvent(
                plan_id=plan.id,
                to_status="withdrawn",
                actor_id=amina.id,
                reason="Ha trovato lavoro",
                at=at(),
            ),
            "Ha trovato lavoro",
        ),  # fmt: skip
        ("message", "user_id"): lambda: message(user_id=amina.id),
        # The sign-up code goes before the account exists: no user id, only the number.
        ("message", "phone"): lambda: message(phone=amina.phone, kind="login_code"),
        ("login_code", "user_id"): lambda: code(user_id=amina.id),
        ("login_code", "phone"): lambda: code(phone=amina.phone),
        ("attendance", "participant_id"): lambda: (attendance, attendance_at),
        ("attendance_month", "participant_id"): lambda: (
            AttendanceMonth(
                municipality_id=m,
                participant_id=amina.id,
                project_id=session.project_id,
                month="2025-01",
                present=1,
                late=0,
                left_early=0,
                absent=0,
                excused=0,
                hours=Decimal("123.25"),
                hours_present=Decimal("123.25"),
                hours_late=0,
                hours_left_early=0,
            ),
            "123.25",
        ),  # fmt: skip
        ("rsvp", "participant_id"): lambda: (
            Rsvp(
                municipality_id=m,
                session_id=session.id,
                participant_id=amina.id,
                coming=True,
                answered_at=(t := at()),
                source="sms",
            ),
            t,
        ),  # fmt: skip
        ("session_offer", "participant_id"): lambda: (
            SessionOffer(
                municipality_id=m,
                session_id=session.id,
                participant_id=amina.id,
                offered_at=(t := at()),
                expires_at=t + timedelta(hours=1),
            ),
            t,
        ),  # fmt: skip
        ("event_rsvp", "participant_id"): lambda: (
            EventRsvp(
                municipality_id=m,
                event_id=event.id,
                participant_id=amina.id,
                coming=False,
                answered_at=(t := at()),
                source="web",
            ),
            t,
        ),  # fmt: skip
        ("event_attendance", "participant_id"): lambda: (
            EventAttendance(
                municipality_id=m,
                event_id=event.id,
                participant_id=amina.id,
                recorded_by_id=staff.id,
                recorded_at=(t := at()),
            ),
            t,
        ),  # fmt: skip
        ("certificate", "participant_id"): lambda: (
            Certificate(
                municipality_id=m,
                participant_id=amina.id,
                issued_at=(t := at()),
                issued_by_id=staff.id,
                initials="A. D.",
                total_hours=Decimal(3),
                by_project=[],
            ),
            t,
        ),  # fmt: skip
        ("erasure_request", "user_id"): lambda: (
            ErasureRequest(user_id=amina.id, municipality_id=m, requested_at=(t := at())),
            t,
        ),
        ("conversation", "phone"): lambda: (
            Conversation(
                phone=amina.phone,
                state="idle",
                language="it",
                data={"name": "Amina"},
                updated_at=(t := at()),
            ),
            t,
        ),  # fmt: skip
        ("sms_opt_out", "phone"): lambda: (
            OptOut(phone=amina.phone, stopped_at=(t := at()), stop_source="sms_keyword"),
            t,
        ),
        ("intake", "person_id"): lambda: (
            Intake(
                municipality_id=m,
                person_id=amina.id,
                zone="Stazione Termini",
                met_on=date(2026, 2, 1),
                last_seen_on=date(2026, 2, 1),
                consent_method=ConsentMethod.VERBAL,
            ),
            "Stazione Termini",
        ),  # fmt: skip
        ("housing_measure", "person_id"): lambda: (
            HousingMeasure(
                municipality_id=m,
                intake_id=db.session.scalar(
                    db.select(Intake.id).where(Intake.person_id == amina.id)
                ),
                person_id=amina.id,
                kind=MeasureKind.RENT_SUPPORT,
                starts_on=date(2026, 2, 2),
                monthly_amount=Decimal("350.00"),
                months=6,
                amount=Decimal("2100.00"),
                notes="Affitto in via Prenestina",
            ),
            "Affitto in via Prenestina",
        ),  # fmt: skip
    }
    # A table added later with rows about people fails here until its rows are in the copy
    # (or it is shown, with a reason, to be only about the staff who acted).
    assert personal_columns(db) == set(builders) | set(NOT_ABOUT_THE_PERSON)
    assert not set(builders) & set(NOT_ABOUT_THE_PERSON)
    expected = {}
    for key, build in builders.items():
        row, marker = build()
        if row is not None:
            db.session.add(row)
            db.session.flush()
        expected[key] = marker.isoformat() if isinstance(marker, datetime) else marker
    correction_at = at()
    db.session.add(
        AttendanceChange(
            attendance_id=attendance.id, changed_by_id=staff.id, changed_at=correction_at,
            before_mark="present", before_hours=Decimal(3), after_mark="late",
            after_hours=Decimal("2.75"), reason="Arrivata alle 10",
        )
    )  # fmt: skip
    db.session.commit()

    with app.test_request_context():
        copy = json.dumps(export_data(db.session.get(User, amina.id)), ensure_ascii=False)
    missing = {key: marker for key, marker in expected.items() if marker not in copy}
    assert not missing, f"rows about the person left out of their copy: {missing}"
    assert "Arrivata alle 10" in copy and correction_at.isoformat() in copy
    assert '"hours": "2.75"' in copy and '"mark": "late"' in copy
    # The CSV holds the same sections as the JSON.
    login_as(amina)
    data = json.loads(client.get("/me/data.json").data)
    rows = list(csv.reader(io.StringIO(client.get("/me/data.csv").get_data(as_text=True))))
    assert {row[0] for row in rows[1:]} == {name for name, value in data.items() if value}


def test_the_copy_as_csv_never_starts_a_formula_whether_split_on_commas_or_semicolons(
    app, client, login_as, create_participant, db, clock
):
    from civic_app.people.data_rights import export_csv, export_data

    amina = create_participant(first_name="x;=2*3;", last_name="y,@SUM(1)", phone="+393471110000")
    queue_sms(phone=amina.phone, body="ok;-1+1\n=1", kind="t", now=clock.now(), user=amina)
    db.session.commit()
    login_as(amina)
    comma = client.get("/me/data.csv").get_data(as_text=True)
    with app.test_request_context():
        semicolon = export_csv(export_data(db.session.get(User, amina.id)), separator=";")
    assert semicolon.startswith("\ufeff")
    for text in (comma, semicolon):
        cells = [
            cell
            for delimiter in (",", ";")
            for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter)
            for cell in row
        ]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    rows = list(csv.reader(io.StringIO(semicolon.removeprefix("\ufeff")), delimiter=";"))
    assert ["profile", "1", "first_name", "x;'=2*3;"] in rows


# -- erasure forgets the number's messages and conversation, and SQLite's log -----------------


def test_erasure_also_forgets_the_sign_up_code_and_the_sms_conversation_of_the_number(
    app, db, create_participant, clock
):
    from civic_app.people.data_rights import erase_participant
    from civic_app.sms.models import Conversation

    # The code of an SMS sign-up is sent before the account exists: no user id on it.
    queue_sms(phone="+393471110000", body="Il tuo codice: 123456", kind="login_code",
              now=clock.now(), urgent=True)  # fmt: skip
    db.session.add(
        Conversation(phone="+393471110000", state="signup_confirm", language="it",
                     data={"name": "Amina Diallo"}, updated_at=clock.now())
    )  # fmt: skip
    other = create_participant(phone="+393472220000")
    queue_sms(phone=other.phone, body="Ciao Altro", kind="t", now=clock.now())
    db.session.add(
        Conversation(phone=other.phone, state="idle", language="it", data={},
                     updated_at=clock.now())
    )  # fmt: skip
    amina = create_participant(first_name="Amina", phone="+393471110000")
    db.session.commit()

    erase_participant(amina, clock.now())
    db.session.commit()
    bodies = {m.phone: m.body for m in db.session.scalars(db.select(Message))}
    assert bodies == {"": "[cancellato]", "+393472220000": "Ciao Altro"}
    assert [c.phone for c in db.session.scalars(db.select(Conversation))] == ["+393472220000"]


def test_after_an_erasure_the_sqlite_files_no_longer_hold_the_erased_name(tmp_path, own_session):
    """The write-ahead log keeps what was written until a checkpoint: processing an erasure
    (staff page or retention job) checkpoints it at once. SQLite only, on a real file."""
    import re
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from flask_login.utils import _create_identifier
    from flask_migrate import upgrade

    from civic_app import create_app
    from civic_app.core.models import Municipality
    from civic_app.extensions import db
    from civic_app.jobs import JOBS
    from civic_app.plans.models import Plan, PlanStatus
    from civic_app.scheduler.jobs import run_job
    from config import TestingConfig

    path = tmp_path / "erasure.db"
    app = create_app(
        type("Real", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    )

    def files() -> bytes:
        log = path.with_name(path.name + "-wal")
        return path.read_bytes() + (log.read_bytes() if log.exists() else b"")

    with app.app_context():
        upgrade()
        place = Municipality(slug="roma", name="Roma", region="Lazio")
        db.session.add(place)
        db.session.flush()
        staff = User(role=Role.STAFF, municipality_id=place.id, first_name="S",
                     email="s@example.org")  # fmt: skip
        zainab = User(role=Role.PARTICIPANT, municipality_id=place.id,
                      first_name="Zainabqwerty", last_name="Okonkwoasdfg",
                      phone="+393471119999")  # fmt: skip
        yusuf = User(role=Role.PARTICIPANT, municipality_id=place.id,
                     first_name="Yusufzxcvb", phone="+393471118888")  # fmt: skip
        db.session.add_all([staff, zainab, yusuf])
        db.session.flush()
        db.session.add(ErasureRequest(user_id=zainab.id, municipality_id=place.id,
                                      requested_at=datetime.now(UTC)))  # fmt: skip
        # Yusuf's only plan ended years ago: the retention job erases him.
        db.session.add(
            Plan(municipality_id=place.id, participant_id=yusuf.id, goals="g",
                 target_hours=Decimal(1), start_date=date(2019, 1, 1),
                 end_date=date(2019, 2, 1), status=PlanStatus.COMPLETED)
        )  # fmt: skip
        db.session.commit()
        request_id, token = db.session.scalar(db.select(ErasureRequest.id)), staff.get_id()
        db.session.remove()
    assert b"Zainabqwerty" in files() and b"Yusufzxcvb" in files()

    client = app.test_client()
    with app.test_request_context():
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": token, "_fresh": True, "_id": identifier})
    page = client.get("/staff/erasures").get_data(as_text=True)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(f"/staff/erasures/{request_id}/process", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert b"Zainabqwerty" not in files() and b"Okonkwoasdfg" not in files()
    assert b"3471119999" not in files()

    job = next(j for j in JOBS if j.id == "pseudonymise_expired")
    assert run_job(app, job) == "pseudonymised 1 participants"
    assert b"Yusufzxcvb" not in files()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
